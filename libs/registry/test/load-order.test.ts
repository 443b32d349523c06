import { randomUUID } from 'node:crypto';

import type { PlacementRequest, PlacementResult } from '../src/placement';
import type { Registry } from '../src/registry';
import { countByNode, nodeRecord, startTestRegistry, type TestRegistry } from './helpers';

let harness: TestRegistry;

beforeAll(async () => {
  harness = await startTestRegistry();
});

afterAll(async () => {
  await harness.stop();
});

function join(roomId: string, peerId: string, extra: Partial<PlacementRequest> = {}): PlacementRequest {
  return { roomId, peerId, reservationId: randomUUID(), cost: { peers: 1, consumers: 0 }, ...extra };
}

function placedNode(result: PlacementResult): string | undefined {
  return result.placed ? result.nodeId : undefined;
}

async function byLoad(registry: Registry, region?: string): Promise<string[]> {
  const key = region === undefined ? registry.keys.nodesByLoad : registry.keys.nodesByLoadInRegion(region);
  return harness.redis.zrange(key, 0, -1);
}

async function scoreOf(registry: Registry, nodeId: string): Promise<number | undefined> {
  const score = await harness.redis.zscore(registry.keys.nodesByLoad, nodeId);
  return score === null ? undefined : Number(score);
}

describe('by-load zsets', () => {
  test('heartbeat() orders active nodes by score', async () => {
    const { registry } = harness.fresh();

    await registry.nodes.heartbeat(nodeRecord('busy', { region: 'eu', peers: 8 }));
    await registry.nodes.heartbeat(nodeRecord('idle', { region: 'us', peers: 0 }));
    await registry.nodes.heartbeat(nodeRecord('half', { region: 'eu', peers: 5 }));
    await registry.nodes.heartbeat(nodeRecord('hot', { region: 'eu', cpu: 0.9 }));

    expect(await byLoad(registry)).toEqual(['idle', 'half', 'busy', 'hot']);
    expect(await byLoad(registry, 'eu')).toEqual(['half', 'busy', 'hot']);
    expect(await byLoad(registry, 'us')).toEqual(['idle']);
    expect(await scoreOf(registry, 'busy')).toBeCloseTo(0.8);
  });

  test('heartbeat() with a new region moves the node', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('mover', { region: 'eu' }));

    await registry.nodes.heartbeat(nodeRecord('mover', { region: 'us' }));

    expect(await byLoad(registry, 'eu')).toEqual([]);
    expect(await byLoad(registry, 'us')).toEqual(['mover']);
  });

  test('reservation raises the score at once', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a', { maxPeers: 10 }));
    await registry.nodes.heartbeat(nodeRecord('b', { maxPeers: 10 }));

    const first = await registry.placement.place(join('room-1', 'p1'));
    const second = await registry.placement.place(join('room-2', 'p2'));

    expect(placedNode(first)).toBe('a');
    expect(placedNode(second)).toBe('b');
    expect(await scoreOf(registry, 'a')).toBeCloseTo(0.1);
    expect(await scoreOf(registry, 'b')).toBeCloseTo(0.1);
  });

  test('concurrent joins of new rooms spread', async () => {
    const { registry } = harness.fresh();
    for (const id of ['a', 'b', 'c', 'd']) await registry.nodes.heartbeat(nodeRecord(id, { maxPeers: 100 }));
    const callers = Array.from({ length: 8 }, () => harness.connect({ prefix: registry.keys.prefix }).registry);

    const results = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        (callers[index % callers.length] as Registry).placement.place(join(`room-${index}`, `peer-${index}`)),
      ),
    );
    const counts = countByNode(results.map(placedNode));

    expect([...counts.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    for (const count of counts.values()) expect(count).toBe(10);
  });

  test('release() and confirm() rescore the node', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a', { maxPeers: 10, peers: 2 }));
    const released = join('room', 'released');
    const confirmed = join('room', 'confirmed');

    await registry.placement.place(released);
    await registry.placement.place(confirmed);
    const whileReserved = await scoreOf(registry, 'a');
    await registry.placement.release(released.reservationId);
    const afterRelease = await scoreOf(registry, 'a');
    await registry.placement.confirm(confirmed.reservationId);
    const afterConfirm = await scoreOf(registry, 'a');

    expect(whileReserved).toBeCloseTo(0.4);
    expect(afterRelease).toBeCloseTo(0.3);
    expect(afterConfirm).toBeCloseTo(0.3);
    expect(await harness.redis.exists(registry.keys.nodeReserved('a'))).toBe(0);
  });

  test('expired reservations leave the sums', async () => {
    const { registry } = harness.fresh();
    const start = Date.now();
    await registry.nodes.heartbeat(nodeRecord('a', { maxPeers: 10 }), start);
    await registry.placement.place(join('room', 'early', { now: start }));
    await registry.placement.place(join('room', 'late', { now: start + 5000, cost: { peers: 2, consumers: 3 } }));

    const reserved = await harness.redis.hgetall(registry.keys.nodeReserved('a'));
    await registry.nodes.heartbeat(nodeRecord('a', { maxPeers: 10 }), start + 15_000);
    const afterEarly = await harness.redis.hgetall(registry.keys.nodeReserved('a'));
    const scoreAfterEarly = await scoreOf(registry, 'a');
    await registry.nodes.heartbeat(nodeRecord('a', { maxPeers: 10 }), start + 20_000);

    expect(reserved).toEqual({ peers: '3', consumers: '3', next: String(start + 15_000) });
    expect(afterEarly).toEqual({ peers: '2', consumers: '3', next: String(start + 20_000) });
    expect(scoreAfterEarly).toBeCloseTo(0.2);
    expect(await harness.redis.exists(registry.keys.nodeReserved('a'))).toBe(0);
    expect(await scoreOf(registry, 'a')).toBe(0);
  });

  test('draining leaves the by-load zsets at once', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a', { region: 'eu' }));
    await registry.nodes.heartbeat(nodeRecord('b', { region: 'eu' }));

    await registry.nodes.setState('a', 'draining');
    const whileDraining = { all: await byLoad(registry), eu: await byLoad(registry, 'eu') };
    await registry.nodes.heartbeat(nodeRecord('a', { region: 'eu' }));
    const afterBeat = await byLoad(registry);
    const placed = await registry.placement.place(join('room', 'peer'));
    await registry.nodes.setState('a', 'active');

    expect(whileDraining).toEqual({ all: ['b'], eu: ['b'] });
    expect(afterBeat).toEqual(['b']);
    expect(placedNode(placed)).toBe('b');
    expect(placed.decision.candidates.find((entry) => entry.nodeId === 'a')?.excluded).toBe('draining');
    expect(await byLoad(registry)).toEqual(['a', 'b']);
    expect(await harness.redis.zcard(registry.keys.drainingNodes)).toBe(0);
  });

  test('expired members are skipped and removed', async () => {
    const { registry } = harness.fresh({ candidatesPerZset: 2 });
    // Five idle nodes expire while at the start of both zsets; the live node is loaded, so it sorts after them.
    for (let index = 0; index < 5; index += 1) {
      await registry.nodes.heartbeat(nodeRecord(`gone-${index}`, { region: 'eu' }));
      await harness.redis.del(registry.keys.node(`gone-${index}`));
    }
    await registry.nodes.heartbeat(nodeRecord('live', { region: 'eu', peers: 5 }));

    const result = await registry.placement.place(join('room', 'peer', { region: 'eu' }));

    expect(placedNode(result)).toBe('live');
    expect(result.decision.candidates.filter((entry) => entry.excluded === 'expired')).toHaveLength(5);
    expect(await byLoad(registry)).toEqual(['live']);
    expect(await byLoad(registry, 'eu')).toEqual(['live']);
    expect(result.decision.activeNodes).toBe(1);
  });

  test('remove() deletes every index entry', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('kept', { region: 'us' }));
    await registry.nodes.heartbeat(nodeRecord('removed', { region: 'eu' }));
    await registry.placement.place(join('room', 'peer', { region: 'eu' }));
    await registry.nodes.setState('removed', 'draining');

    await registry.nodes.remove('removed');

    expect(await byLoad(registry)).toEqual(['kept']);
    expect(await byLoad(registry, 'eu')).toEqual([]);
    expect(await harness.redis.zcard(registry.keys.drainingNodes)).toBe(0);
    expect(await harness.redis.exists(registry.keys.nodeReserved('removed'), registry.keys.nodeReservations('removed'))).toBe(0);
  });
});

describe('bounded placement', () => {
  test('record without its load hash is decoded', async () => {
    const { registry } = harness.fresh();
    const record = nodeRecord('old', { workers: 2, peers: 3 });
    record.load.workerPeers = [2, 1];
    await registry.nodes.heartbeat(record);
    // A record written by an older registry has no load hash.
    await harness.redis.del(registry.keys.nodeLoad('old'));

    const result = await registry.placement.place(join('room', 'peer'));

    expect(placedNode(result)).toBe('old');
    expect(result.decision.workerIndex).toBe(1);
    expect(result.decision.candidates[0]?.peers).toBe(3);
  });


  test('decision lists a bounded number of candidates', async () => {
    const { registry } = harness.fresh({ candidatesPerZset: 4 });
    for (let index = 0; index < 40; index += 1) {
      const id = `node-${String(index).padStart(2, '0')}`;
      await registry.nodes.heartbeat(nodeRecord(id, { region: index % 2 === 0 ? 'eu' : 'us', maxPeers: 100, peers: 40 - index }));
    }

    const result = await registry.placement.place(join('room', 'peer', { region: 'eu' }));
    const joined = await registry.placement.place(join('room', 'second', { region: 'us' }));

    // The least loaded node is node-39 (us); the least loaded of eu is node-38.
    expect(placedNode(result)).toBe('node-38');
    expect(result.decision.rule).toBe('region');
    expect(result.decision.candidates.map((entry) => entry.nodeId)).toEqual(['node-38', 'node-36', 'node-34', 'node-32']);
    expect(result.decision.activeNodes).toBe(40);
    expect(placedNode(joined)).toBe('node-38');
    expect(joined.decision.rule).toBe('room-affinity');
    expect(joined.decision.candidates.map((entry) => entry.nodeId)).toEqual(['node-38']);
  });

  test('full region falls back to the global zset', async () => {
    const { registry } = harness.fresh({ candidatesPerZset: 2 });
    await registry.nodes.heartbeat(nodeRecord('eu-full', { region: 'eu', peers: 10 }));
    for (let index = 0; index < 5; index += 1) {
      await registry.nodes.heartbeat(nodeRecord(`us-${index}`, { region: 'us', peers: index }));
    }

    const result = await registry.placement.place(join('room', 'peer', { region: 'eu' }));

    expect(placedNode(result)).toBe('us-0');
    expect(result.decision.rule).toBe('lowest-load');
    expect(result.decision.candidates.map((entry) => [entry.nodeId, entry.excluded])).toEqual([
      ['eu-full', 'full'],
      ['us-0', undefined],
      ['us-1', undefined],
    ]);
  });

  test('region node after the global candidates is found', async () => {
    const { registry } = harness.fresh({ candidatesPerZset: 3 });
    for (let index = 0; index < 10; index += 1) await registry.nodes.heartbeat(nodeRecord(`us-${index}`, { region: 'us' }));
    await registry.nodes.heartbeat(nodeRecord('eu-busy', { region: 'eu', peers: 9 }));

    const result = await registry.placement.place(join('room', 'peer', { region: 'eu' }));

    expect(placedNode(result)).toBe('eu-busy');
    expect(result.decision.rule).toBe('region');
  });
});
