import { randomUUID } from 'node:crypto';

import { sleep } from '@sfu-cluster/testkit';

import { RegistryError } from '../src/errors';
import type { PlacementRequest } from '../src/placement';
import { nodeRecord, startTestRegistry, type TestRegistry } from './helpers';

let harness: TestRegistry;

beforeAll(async () => {
  harness = await startTestRegistry();
});

afterAll(async () => {
  await harness.stop();
});

function join(roomId: string, peerId: string, extra: Partial<PlacementRequest> = {}): PlacementRequest {
  return { roomId, peerId, reservationId: randomUUID(), cost: { peers: 1, consumers: 2 }, ...extra };
}

describe('reservations', () => {
  test('expired reservations stop counting', async () => {
    const { registry } = harness.fresh({ reservationTtlMs: 300 });
    await registry.nodes.heartbeat(nodeRecord('a', { maxPeers: 2 }));
    await registry.placement.place(join('room', 'p1'));
    await registry.placement.place(join('room', 'p2'));

    const whileReserved = await registry.placement.place(join('room', 'p3'));
    await sleep(400);
    const afterExpiry = await registry.placement.place(join('room', 'p4'));

    expect(whileReserved.placed).toBe(false);
    expect(whileReserved.decision.rule).toBe('no-capacity');
    expect(afterExpiry.placed).toBe(true);
  });

  test('reservations expire by the given clock', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a', { maxPeers: 1 }));
    const start = Date.now();
    await registry.placement.place(join('room', 'p1', { now: start }));

    const justBefore = await registry.placement.place(join('room', 'p2', { now: start + 14_999 }));
    const after = await registry.placement.place(join('room', 'p3', { now: start + 15_000 }));

    expect(justBefore.placed).toBe(false);
    expect(after.placed).toBe(true);
  });

  test('confirm() turns the reservation into load', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a', { maxPeers: 1, workers: 2 }));
    const request = join('room', 'peer');
    const placed = await registry.placement.place(request);

    const peer = await registry.placement.confirm(request.reservationId);
    const node = await registry.nodes.get('a');
    const next = await registry.placement.place(join('room', 'next'));

    expect(placed.placed).toBe(true);
    expect(peer).toMatchObject({ peerId: 'peer', roomId: 'room', nodeId: 'a', workerIndex: 0 });
    expect(node?.load.peers).toBe(1);
    expect(node?.load.consumers).toBe(2);
    expect(node?.load.workerPeers).toEqual([1, 0]);
    expect(await harness.redis.zcard(registry.keys.nodeReservations('a'))).toBe(0);
    expect(next.placed).toBe(false);
    expect(await registry.rooms.peers('room')).toEqual([peer]);
  });

  test('confirm() after release rejects with RESERVATION_NOT_FOUND', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a'));
    const request = join('room', 'peer');
    await registry.placement.place(request);

    const released = await registry.placement.release(request.reservationId);
    const error = await registry.placement.confirm(request.reservationId).catch((caught: unknown) => caught);

    expect(released).toBe(true);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('RESERVATION_NOT_FOUND');
  });

  test('confirm() after expiry rejects with RESERVATION_NOT_FOUND', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a'));
    const request = join('room', 'peer');
    const start = Date.now();
    await registry.placement.place({ ...request, now: start });

    const error = await registry.placement.confirm(request.reservationId, start + 15_000).catch((caught: unknown) => caught);

    expect((error as RegistryError).code).toBe('RESERVATION_NOT_FOUND');
    expect(await registry.rooms.peers('room')).toEqual([]);
  });

  test('release() frees the capacity', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a', { maxPeers: 1 }));
    const request = join('room', 'peer');
    await registry.placement.place(request);

    const released = await registry.placement.release(request.reservationId);
    const releasedTwice = await registry.placement.release(request.reservationId);
    const next = await registry.placement.place(join('room', 'next'));

    expect(released).toBe(true);
    expect(releasedTwice).toBe(false);
    expect(next.placed).toBe(true);
  });

  test('new room goes to the least loaded worker', async () => {
    const { registry } = harness.fresh();
    const record = nodeRecord('a', { workers: 3 });
    record.load.workerPeers = [4, 1, 2];
    await registry.nodes.heartbeat(record);

    const first = await registry.placement.place(join('room', 'p1'));
    const second = await registry.placement.place(join('room', 'p2'));

    expect(first.decision.workerIndex).toBe(1);
    expect(second.decision.workerIndex).toBe(1);
    expect((await registry.rooms.get('room'))?.routers).toEqual([{ nodeId: 'a', workerIndex: 1 }]);
  });
});
