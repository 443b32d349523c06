import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { bullPrefix, queues, scheduleEmptyRoomClose } from '@sfu-cluster/jobs';
import { signToken } from '@sfu-cluster/protocol';
import { MeetingTestClient, SignalingTestClient, sleep, startCluster, startRedis, waitFor, type LocalCluster, type RedisServer } from '@sfu-cluster/testkit';

/** The outage the cluster must ride out. */
const OUTAGE_MS = 60_000;

const token = (room: string, identity: string): Promise<string> => signToken(LOCAL_JWT_SECRET, { room, identity });

async function status(url: string, path: string): Promise<number> {
  return (await fetch(`${url}${path}`)).status;
}

describe('redis outage', () => {
  let cluster: LocalCluster;
  let dir: string;
  let restarted: RedisServer | undefined;
  const clients: { close(): void }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sfu-outage-'));
    cluster = await startCluster({ redisDir: dir, webPort: null, env: { LOG_LEVEL: 'error' } });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster.stop();
    await restarted?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('60 s without Redis: media flows, nothing restarts, joins work again', async () => {
    const alice = await MeetingTestClient.join(cluster.signaling[0]!.url, await token('steady', 'alice'), { publish: ['audio'] });
    const bob = await MeetingTestClient.join(cluster.signaling[1]!.url, await token('steady', 'bob'), { publish: ['audio'] });
    clients.push(alice, bob);
    await waitFor('media both ways', () => alice.packetsFrom(bob.peerId) > 10 && bob.packetsFrom(alice.peerId) > 10, 10_000);

    // An acknowledged job that must outlive the outage.
    const queueRedis = new Redis(cluster.redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(queues.rooms, { connection: queueRedis, prefix: bullPrefix(cluster.prefix) });
    await scheduleEmptyRoomClose(queue, 'kept-room', 10 * 60_000);
    await queue.close();
    queueRedis.disconnect();

    const pids = cluster.processes().map((entry) => entry.process.pid);
    const port = cluster.redis!.port;
    await cluster.redis!.process.stop(10_000, 'SIGTERM');
    const downAt = Date.now();

    const samples: number[] = [];
    while (Date.now() - downAt < OUTAGE_MS) {
      await sleep(5000);
      samples.push(bob.packetsFrom(alice.peerId));
      for (const entry of cluster.processes()) {
        expect({ name: entry.name, health: await status(entry.url, '/api/v1/health') }).toEqual({ name: entry.name, health: 200 });
      }
    }
    for (const entry of cluster.processes()) expect(await status(entry.url, '/api/v1/ready')).toBe(503);
    // Media kept flowing through the whole outage: every 5 s sample rose.
    for (let index = 1; index < samples.length; index++) expect(samples[index]!).toBeGreaterThan(samples[index - 1]!);

    restarted = await startRedis({ port, dir, appendOnly: true });
    const upAt = Date.now();
    const carol = await waitFor('a join that works', async () => {
      const client = await SignalingTestClient.connect(cluster.signaling[0]!.url, await token('steady', 'carol'));
      clients.push(client);
      const answer = await client.request('join', {}, 2000);
      return answer.ok ? client : undefined;
    }, 10_000, 250);
    expect(carol).toBeDefined();
    expect(Date.now() - upAt).toBeLessThan(10_000);

    expect(cluster.processes().map((entry) => entry.process.pid)).toEqual(pids);
    expect(cluster.processes().every((entry) => entry.process.running)).toBe(true);
    // No node was declared lost after the outage, so no client got reconnectMedia.
    await sleep(7000);
    expect(alice.reconnects).toEqual([]);
    expect(bob.reconnects).toEqual([]);
    const check = new Redis(restarted.url, { maxRetriesPerRequest: null });
    const kept = await new Queue(queues.rooms, { connection: check, prefix: bullPrefix(cluster.prefix) }).getJob('close-empty-room-kept-room');
    expect(kept).toBeDefined();
    check.disconnect();
  }, 150_000);
});
