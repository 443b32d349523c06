import { randomUUID } from 'node:crypto';

import type { PlacementRequest, PlacementResult } from '../src/placement';
import type { Registry } from '../src/registry';
import { countByNode, keepNodesAlive, nodeRecord, startTestRegistry, type TestRegistry } from './helpers';

let harness: TestRegistry;
let stopHeartbeats: (() => void) | undefined;

beforeAll(async () => {
  harness = await startTestRegistry();
});

afterEach(() => {
  stopHeartbeats?.();
  stopHeartbeats = undefined;
});

afterAll(async () => {
  await harness.stop();
});

function join(roomId: string, peerId: string, extra: Partial<PlacementRequest> = {}): PlacementRequest {
  return { roomId, peerId, reservationId: randomUUID(), cost: { peers: 1, consumers: 0 }, ...extra };
}

async function placeInOrder(registry: Registry, requests: PlacementRequest[]): Promise<PlacementResult[]> {
  const results: PlacementResult[] = [];
  for (const request of requests) results.push(await registry.placement.place(request));
  return results;
}

function placedNode(result: PlacementResult): string | undefined {
  return result.placed ? result.nodeId : undefined;
}

describe('Placement.place()', () => {
  test('25 peers of one room fill 3 nodes of 10', async () => {
    const { registry } = harness.fresh();
    stopHeartbeats = await keepNodesAlive(registry, ['a', 'b', 'c'].map((id) => nodeRecord(id, { maxPeers: 10 })));

    const requests = Array.from({ length: 25 }, (_, index) => join('big-room', `peer-${index}`));
    const results = await placeInOrder(registry, requests);
    const counts = countByNode(results.map(placedNode));

    expect(results.every((result) => result.placed)).toBe(true);
    expect(counts.size).toBe(3);
    for (const count of counts.values()) expect(count).toBeLessThanOrEqual(10);
    expect([...counts.values()].sort((x, y) => x - y)).toEqual([5, 10, 10]);
    expect((await registry.rooms.get('big-room'))?.nodeIds).toEqual(['a', 'b', 'c']);
  });

  test('five rooms of 4 stay whole, spread by load', async () => {
    const { registry } = harness.fresh();
    stopHeartbeats = await keepNodesAlive(registry, ['a', 'b', 'c'].map((id) => nodeRecord(id, { maxPeers: 10 })));

    // Interleaved, as joins arrive in a real cluster: peer 0 of every room, then peer 1, and so on.
    const requests: PlacementRequest[] = [];
    for (let peer = 0; peer < 4; peer += 1) {
      for (let room = 0; room < 5; room += 1) requests.push(join(`room-${room}`, `peer-${room}-${peer}`));
    }
    const results = await placeInOrder(registry, requests);

    const nodeOfRoom = new Map<string, Set<string>>();
    requests.forEach((request, index) => {
      const nodes = nodeOfRoom.get(request.roomId) ?? new Set<string>();
      nodes.add(placedNode(results[index] as PlacementResult) ?? 'rejected');
      nodeOfRoom.set(request.roomId, nodes);
    });
    for (const [roomId, nodes] of nodeOfRoom) {
      expect({ roomId, nodes: [...nodes] }).toEqual({ roomId, nodes: [expect.any(String)] });
    }

    const roomsPerNode = countByNode([...nodeOfRoom.values()].map((nodes) => [...nodes][0]));
    expect(roomsPerNode.size).toBe(3);
    expect(Math.max(...roomsPerNode.values()) - Math.min(...roomsPerNode.values())).toBeLessThanOrEqual(1);
    const peersPerNode = countByNode(results.map(placedNode));
    for (const count of peersPerNode.values()) expect(count).toBeLessThanOrEqual(10);
  });

  test('draining node gets no peer', async () => {
    const { registry } = harness.fresh();
    stopHeartbeats = await keepNodesAlive(registry, ['a', 'b', 'c'].map((id) => nodeRecord(id, { maxPeers: 10 })));
    await registry.nodes.setState('b', 'draining');

    const requests = Array.from({ length: 15 }, (_, index) => join(`room-${index % 5}`, `peer-${index}`));
    const results = await placeInOrder(registry, requests);

    expect(results.every((result) => result.placed)).toBe(true);
    expect(countByNode(results.map(placedNode)).get('b')).toBeUndefined();
    const candidate = results[0]?.decision.candidates.find((entry) => entry.nodeId === 'b');
    expect(candidate?.excluded).toBe('draining');
  });

  test('expired node gets no peer', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a'));
    await registry.nodes.heartbeat(nodeRecord('gone'));
    await harness.redis.del(registry.keys.node('gone'));

    const result = await registry.placement.place(join('room', 'peer'));

    expect(placedNode(result)).toBe('a');
    expect(result.decision.rule).toBe('only-candidate');
    expect(result.decision.candidates.find((entry) => entry.nodeId === 'gone')?.excluded).toBe('expired');
  });

  test('burst of 50 joins places 10 on a node of 10', async () => {
    const { registry } = harness.fresh();
    stopHeartbeats = await keepNodesAlive(registry, [nodeRecord('small', { maxPeers: 10 })]);
    // Ten connections, so the joins reach Redis interleaved as they would from many signaling nodes.
    const callers = Array.from({ length: 10 }, () => harness.connect({ prefix: registry.keys.prefix }).registry);

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        (callers[index % callers.length] as Registry).placement.place(join(`room-${index}`, `peer-${index}`)),
      ),
    );

    const placed = results.filter((result) => result.placed);
    expect(placed).toHaveLength(10);
    expect(results.filter((result) => result.decision.rule === 'no-capacity')).toHaveLength(40);
    expect((await registry.nodes.get('small'))?.load.peers).toBe(0);
  });

  test('burst spills over to the next node', async () => {
    const { registry } = harness.fresh();
    stopHeartbeats = await keepNodesAlive(registry, [
      nodeRecord('near', { maxPeers: 10, region: 'eu' }),
      nodeRecord('far', { maxPeers: 100, region: 'us' }),
    ]);
    const callers = Array.from({ length: 10 }, () => harness.connect({ prefix: registry.keys.prefix }).registry);

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        (callers[index % callers.length] as Registry).placement.place(
          join(`room-${index}`, `peer-${index}`, { region: 'eu' }),
        ),
      ),
    );
    const counts = countByNode(results.map(placedNode));

    expect(counts.get('near')).toBe(10);
    expect(counts.get('far')).toBe(40);
  });

  test('peer cost counts consumers against capacity', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a', { maxPeers: 100, maxConsumers: 50, consumers: 30 }));

    const first = await registry.placement.place(join('room', 'p1', { cost: { peers: 1, consumers: 20 } }));
    const second = await registry.placement.place(join('room', 'p2', { cost: { peers: 1, consumers: 1 } }));

    expect(first.placed).toBe(true);
    expect(second.placed).toBe(false);
    expect(second.decision.rule).toBe('no-capacity');
    expect(second.decision.candidates[0]?.excluded).toBe('full');
  });

  test('retry with the same reservation id reserves once', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a', { maxPeers: 2 }));
    const request = join('room', 'peer');

    const first = await registry.placement.place(request);
    const retry = await registry.placement.place(request);
    const other = await registry.placement.place(join('room', 'other'));

    expect(retry).toEqual(first);
    expect(other.placed).toBe(true);
    expect(await harness.redis.zcard(registry.keys.nodeReservations('a'))).toBe(2);
  });

  test('closing room rejects joins', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a'));
    await registry.placement.place(join('room', 'first'));
    await registry.rooms.setState('room', 'closing');

    const result = await registry.placement.place(join('room', 'late'));

    expect(result.placed).toBe(false);
    expect(result.decision.rule).toBe('room-closing');
  });

  test('invalid room id rejects with TypeError', async () => {
    const { registry } = harness.fresh();

    await expect(registry.placement.place(join('room{1}', 'peer'))).rejects.toThrow(TypeError);
    await expect(registry.placement.place(join('room', 'peer', { cost: { peers: 0.5, consumers: 0 } }))).rejects.toThrow(
      TypeError,
    );
  });
});

describe('placement decisions', () => {
  test('each decision names the rule that chose', async () => {
    const { registry } = harness.fresh();
    stopHeartbeats = await keepNodesAlive(registry, [
      nodeRecord('eu-busy', { region: 'eu', peers: 5 }),
      nodeRecord('us-idle', { region: 'us', peers: 0 }),
      nodeRecord('us-busy', { region: 'us', peers: 8 }),
    ]);

    const lowestLoad = await registry.placement.place(join('room-x', 'p1'));
    const affinity = await registry.placement.place(join('room-x', 'p2', { region: 'eu' }));
    const region = await registry.placement.place(join('room-y', 'p3', { region: 'eu' }));

    expect(lowestLoad.decision.rule).toBe('lowest-load');
    expect(placedNode(lowestLoad)).toBe('us-idle');
    expect(affinity.decision.rule).toBe('room-affinity');
    expect(placedNode(affinity)).toBe('us-idle');
    expect(region.decision.rule).toBe('region');
    expect(placedNode(region)).toBe('eu-busy');
  });

  test('only-candidate, no-capacity and no-active-node are named', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('only', { maxPeers: 1 }));

    const only = await registry.placement.place(join('room', 'p1'));
    const full = await registry.placement.place(join('room', 'p2'));
    await registry.nodes.setState('only', 'draining');
    const none = await registry.placement.place(join('room', 'p3'));

    expect(only.decision.rule).toBe('only-candidate');
    expect(full.decision.rule).toBe('no-capacity');
    expect(none.decision.rule).toBe('no-active-node');
  });

  test('decisions() lists candidates, scores and time, newest first', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a', { peers: 2 }));
    await registry.nodes.heartbeat(nodeRecord('b', { peers: 4 }));
    const before = Date.now();

    await registry.placement.place(join('room', 'p1'));
    await registry.placement.place(join('room', 'p2'));
    const decisions = await registry.placement.decisions('room');

    expect(decisions).toHaveLength(2);
    expect(decisions[0]?.peerId).toBe('p2');
    expect(decisions[0]?.rule).toBe('room-affinity');
    expect(decisions[1]?.rule).toBe('lowest-load');
    expect(decisions[1]?.nodeId).toBe('a');
    expect(decisions[1]?.at).toBeGreaterThanOrEqual(before);
    expect(decisions[1]?.candidates.map((entry) => [entry.nodeId, entry.score])).toEqual([
      ['a', 0.2],
      ['b', 0.4],
    ]);
  });

  test('decisions() keeps the last 50', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a', { maxPeers: 100 }));

    await placeInOrder(
      registry,
      Array.from({ length: 60 }, (_, index) => join('room', `peer-${index}`)),
    );
    const decisions = await registry.placement.decisions('room');

    expect(decisions).toHaveLength(50);
    expect(decisions[0]?.peerId).toBe('peer-59');
    expect(decisions[49]?.peerId).toBe('peer-10');
  });
});
