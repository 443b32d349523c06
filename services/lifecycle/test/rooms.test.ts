import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { bullPrefix, enqueueNodeRecovery, queues, roomJobs } from '@sfu-cluster/jobs';
import { signToken } from '@sfu-cluster/protocol';
import { createRegistry, whenReady, type Registry } from '@sfu-cluster/registry';
import { channels } from '@sfu-cluster/rpc';
import { freePort, MeetingTestClient, SignalingTestClient, sleep, startCluster, waitFor, type LocalCluster } from '@sfu-cluster/testkit';

const token = (room: string, identity: string): Promise<string> => signToken(LOCAL_JWT_SECRET, { room, identity });

describe('room lifecycle', () => {
  let cluster: LocalCluster;
  let redis: Redis;
  let registry: Registry;
  let queue: Queue;
  const events: { type: string; nodeId?: string }[] = [];
  const clients: { close(): void }[] = [];

  beforeAll(async () => {
    const sfuPorts = [await freePort(), await freePort(), await freePort()];
    cluster = await startCluster({ sfuPorts, webPort: null, env: { ROOM_EMPTY_TIMEOUT: '2', SFU_MAX_PEERS: '2', LOG_LEVEL: 'warn' } });
    redis = new Redis(cluster.redisUrl, { maxRetriesPerRequest: null });
    registry = createRegistry(redis, { prefix: cluster.prefix });
    queue = new Queue(queues.rooms, { connection: redis, prefix: bullPrefix(cluster.prefix) });

    const subscriber = new Redis(cluster.redisUrl);
    subscriber.on('message', (_channel: string, message: string) => events.push(JSON.parse(message) as { type: string }));
    // A SUBSCRIBE sent before the connection is ready can be lost; wait first.
    await whenReady(subscriber);
    await subscriber.subscribe(channels.nodeEvents(cluster.prefix));
    clients.push({ close: () => subscriber.disconnect() });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await queue.close();
    redis.disconnect();
    await cluster.stop();
  });

  async function joinAndLeave(roomId: string, identity: string): Promise<void> {
    const client = await SignalingTestClient.connect(cluster.signaling[0]!.url, await token(roomId, identity));
    clients.push(client);
    await client.ok('join');
    await client.ok('leave');
  }

  test('empty room closes after its timeout', async () => {
    await joinAndLeave('empty-1', 'alice');
    expect(await registry.participants.roomIds()).toContain('empty-1');

    await waitFor('room closed', async () => !(await registry.participants.roomIds()).includes('empty-1') && (await registry.rooms.get('empty-1')) === undefined, 6000);
  });

  test('metrics count finished room jobs', async () => {
    const text = await (await fetch(`${cluster.lifecycle!.url}/metrics`)).text();

    expect(text).toMatch(/lifecycle_room_jobs_total\{[^}]*job="close-empty-room"[^}]*outcome="completed"[^}]*\} [1-9]/);
  });

  test('join within the timeout keeps the room open', async () => {
    await joinAndLeave('empty-2', 'alice');
    await sleep(1000);
    const bob = await SignalingTestClient.connect(cluster.signaling[1]!.url, await token('empty-2', 'bob'));
    clients.push(bob);
    await bob.ok('join');

    await sleep(3000);

    expect(await registry.rooms.get('empty-2')).toBeDefined();
    expect(await registry.participants.count('empty-2')).toBe(1);
  });

  test('same job enqueued 10 times runs once', async () => {
    await Promise.all(Array.from({ length: 10 }, () => enqueueNodeRecovery(queue, 'ghost-node')));

    await waitFor('one nodeLost for ghost-node', () => events.some((event) => event.type === 'nodeLost' && event.nodeId === 'ghost-node'), 5000);
    await sleep(1500);

    expect(events.filter((event) => event.type === 'nodeLost' && event.nodeId === 'ghost-node')).toHaveLength(1);
  });

  test('reconciliation removes planted stale keys', async () => {
    const holder = await SignalingTestClient.connect(cluster.signaling[0]!.url, await token('stale', 'holder'));
    clients.push(holder);
    await holder.ok('join');
    await registry.rooms.setRouter('stale', { nodeId: 'sfu-gone', workerIndex: 0, routerId: 'router-gone' });
    await registry.participants.add('stale', { peerId: 'ghost-peer', identity: 'ghost', joinedAt: Date.now(), sessionId: 'no-such-session' });
    await registry.participants.add('abandoned', { peerId: 'p', identity: 'x', joinedAt: Date.now() });
    await registry.participants.remove('abandoned', 'p');
    await redis.sadd(registry.keys.rooms, 'abandoned');

    await queue.add(roomJobs.reconcile, {});

    await waitFor('stale router gone', async () => !(await registry.rooms.get('stale'))?.routers.some((router) => router.nodeId === 'sfu-gone'), 5000);
    await waitFor('ghost participant gone', async () => (await registry.participants.get('stale', 'ghost-peer')) === undefined, 5000);
    await waitFor('abandoned room unlisted', async () => !(await registry.participants.roomIds()).includes('abandoned'), 5000);
    expect(await registry.participants.get('stale', (await registry.participants.list('stale'))[0]!.peerId)).toBeDefined();
  });

  test('killed SFU node peers recover', async () => {
    // Seats taken by earlier tests would leave no room to place the lost node's peers again.
    for (const client of clients) if (client instanceof SignalingTestClient) await client.request('leave');
    const url = cluster.signaling[0]!.url;
    const alice = await MeetingTestClient.join(url, await token('lost', 'alice'), { publish: ['audio'] });
    const bob = await MeetingTestClient.join(cluster.signaling[1]!.url, await token('lost', 'bob'), { publish: ['audio'] });
    const carol = await MeetingTestClient.join(url, await token('lost', 'carol'), { publish: ['audio'] });
    clients.push(alice, bob, carol);
    expect(alice.nodeId).toBe(bob.nodeId);
    expect(carol.nodeId).not.toBe(alice.nodeId);
    await waitFor('media everywhere', () => [alice, bob, carol].every((c) => [alice, bob, carol].every((o) => o === c || c.packetsFrom(o.peerId) > 10)), 10_000);
    const lostNode = cluster.sfu.find((node) => node.nodeId === alice.nodeId)!;

    lostNode.process.kill('SIGKILL', { group: true });
    const killedAt = Date.now();

    const before = new Map([alice, bob, carol].map((c) => [c, [alice, bob, carol].map((o) => c.packetsFrom(o.peerId))]));
    await waitFor('reconnectMedia at alice and bob', () => alice.reconnects.length > 0 && bob.reconnects.length > 0, 5000);
    await waitFor('media again everywhere', () =>
      [alice, bob, carol].every((c) => [alice, bob, carol].every((o, i) => o === c || c.packetsFrom(o.peerId) > before.get(c)![i]! + 5)), 5000);
    // Within 5 s of the kill, counted from it: 3 s of that is the node record's TTL.
    expect(Date.now() - killedAt).toBeLessThan(5000);
    for (const client of [alice, bob]) expect(client.nodeId).not.toBe(lostNode.nodeId);
    // The killed process's Redis connections closed, so the watcher saw its
    // request channel empty and did not wait for the record's TTL.
    const declared = await cluster.lifecycle!.process.waitForLine(/stopped listening for requests/, 1000);
    expect(declared).toContain(lostNode.nodeId);

    await waitFor('no key of the lost node left', async () => {
      const room = await registry.rooms.get('lost');
      const peers = await registry.rooms.peers('lost');
      // Registry keys only: BullMQ keeps the finished recovery job under its own prefix for a while.
      const keys = (await redis.keys(`${cluster.prefix}*${lostNode.nodeId}*`)).filter((key) => !key.startsWith(`${cluster.prefix}bull:`));
      const members = await redis.smembers(registry.keys.nodes);
      return !room?.nodeIds.includes(lostNode.nodeId) && !peers.some((peer) => peer.nodeId === lostNode.nodeId) && keys.length === 0 && !members.includes(lostNode.nodeId);
    }, 3000);
  });
});
