import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { createRegistry, type Registry } from '@sfu-cluster/registry';
import { joinPublishingPair, type LocalCluster, MeetingTestClient, sleep, startCluster, waitFor } from '@sfu-cluster/testkit';
import { Redis } from 'ioredis';

const token = (room: string, identity: string, admin = false): Promise<string> => signToken(LOCAL_JWT_SECRET, { room, identity, grants: { admin } });

/** Samples a client's inbound packets from one peer and returns the longest stretch with no new packet. */
function gapMeter(client: MeetingTestClient, fromPeerId: string): { stop(): number } {
  let last = client.packetsFrom(fromPeerId);
  let lastChange = Date.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = client.packetsFrom(fromPeerId);
    if (now > last) {
      longest = Math.max(longest, Date.now() - lastChange);
      last = now;
      lastChange = Date.now();
    }
  }, 20);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(longest, Date.now() - lastChange);
    },
  };
}

describe('drain and move', () => {
  let cluster: LocalCluster;
  let redis: Redis;
  let registry: Registry;
  let admin: string;
  const clients: MeetingTestClient[] = [];

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${cluster.signaling[0]!.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function pair(room: string): Promise<[MeetingTestClient, MeetingTestClient]> {
    const pair = await joinPublishingPair(room, [cluster.signaling[0]!.url, cluster.signaling[1]!.url]);
    clients.push(...pair);
    return pair;
  }

  beforeAll(async () => {
    cluster = await startCluster({ lifecyclePort: null, webPort: null, env: { LOG_LEVEL: 'warn' } });
    redis = new Redis(cluster.redisUrl);
    registry = createRegistry(redis, { prefix: cluster.prefix });
    admin = await token('*', 'operator', true);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    redis.disconnect();
    await cluster.stop();
  });

  test('cancelled drain returns the node to service', async () => {
    const nodeId = cluster.sfu[1]!.nodeId;

    const drained = await call('POST', `/api/v1/admin/nodes/${nodeId}/drain`, {});
    expect(drained.status).toBe(202);
    expect((await registry.nodes.get(nodeId))?.state).toBe('draining');

    const cancelled = await call('DELETE', `/api/v1/admin/nodes/${nodeId}/drain`);
    expect(cancelled).toEqual({ status: 200, body: { nodeId, state: 'active' } });
    await sleep(1500);
    expect((await registry.nodes.get(nodeId))?.state).toBe('active');
  });

  test('moved room gets media again within 5 s', async () => {
    const [alice, bob] = await pair('moving');
    const target = cluster.sfu.find((node) => node.nodeId !== alice.nodeId)!.nodeId;

    const moved = await call('POST', '/api/v1/admin/rooms/moving/move', { toNodeId: target });
    const movedAt = Date.now();

    expect(moved.status).toBe(202);
    await waitFor('both on the target', () => alice.nodeId === target && bob.nodeId === target, 5000);
    const before = [alice.packetsFrom(bob.peerId), bob.packetsFrom(alice.peerId)];
    await waitFor('media on the target', () => alice.packetsFrom(bob.peerId) > before[0]! + 10 && bob.packetsFrom(alice.peerId) > before[1]! + 10, 5000);
    expect(Date.now() - movedAt).toBeLessThan(5000);
  });

  test('drain with migration moves peers without a gap and the node exits', async () => {
    const [alice, bob] = await pair('draining');
    const node = cluster.sfu.find((entry) => entry.nodeId === alice.nodeId)!;
    const gaps = [gapMeter(alice, bob.peerId), gapMeter(bob, alice.peerId)];

    const drained = await call('POST', `/api/v1/admin/nodes/${node.nodeId}/drain`, { migrate: true });

    expect(drained.status).toBe(202);
    const status = await node.process.waitForExit(15_000);
    expect(status.code).toBe(0);
    await sleep(1000);
    const longest = gaps.map((gap) => gap.stop());
    console.log('longest inbound gap during migration (ms):', longest);
    for (const gap of longest) expect(gap).toBeLessThan(500);
    expect(alice.nodeId).not.toBe(node.nodeId);
    expect(bob.nodeId).not.toBe(node.nodeId);
    expect(await registry.participants.count('draining')).toBe(2);
    for (const client of [alice, bob]) expect(client.signaling.notifications.some((entry) => entry.event === 'peerLeft')).toBe(false);
    expect(alice.errors).toEqual([]);
  });
});
