import { randomUUID } from 'node:crypto';

import { RegistryError, StaleEpochError } from '../src/errors';
import type { PlacementRequest } from '../src/placement';
import { nodeRecord, startTestRegistry, type TestRegistry } from './helpers';

let harness: TestRegistry;

beforeAll(async () => {
  harness = await startTestRegistry();
});

afterAll(async () => {
  await harness.stop();
});

function join(roomId: string, peerId: string): PlacementRequest {
  return { roomId, peerId, reservationId: randomUUID(), cost: { peers: 1, consumers: 0 } };
}

describe('room epoch', () => {
  test('first placement creates the room at epoch 1', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a'));

    const result = await registry.placement.place(join('room', 'peer'));
    const room = await registry.rooms.get('room');

    expect(result.placed).toBe(true);
    expect(result.decision.epoch).toBe(1);
    expect(room).toMatchObject({ id: 'room', state: 'open', epoch: 1, nodeIds: ['a'] });
    await expect(registry.rooms.checkEpoch('room', 1)).resolves.toBeUndefined();
  });

  test('stale epoch is refused after a move', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a'));
    await registry.nodes.heartbeat(nodeRecord('b'));
    await registry.placement.place(join('room', 'peer'));

    const epoch = await registry.placement.moveRoom('room', 1, { nodeId: 'b', workerIndex: 0 }, 'node a drains');
    const error = await registry.rooms.checkEpoch('room', 1).catch((caught: unknown) => caught);

    expect(epoch).toBe(2);
    expect(error).toBeInstanceOf(StaleEpochError);
    expect((error as StaleEpochError).code).toBe('STALE_EPOCH');
    expect((error as StaleEpochError).currentEpoch).toBe(2);
    await expect(registry.rooms.checkEpoch('room', 2)).resolves.toBeUndefined();
    expect((await registry.rooms.get('room'))?.nodeIds).toEqual(['b']);
  });

  test('moveRoom() with a stale epoch rejects', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a'));
    await registry.placement.place(join('room', 'peer'));
    await registry.placement.moveRoom('room', 1, { nodeId: 'a', workerIndex: 0 }, 'first mover');

    const error = await registry.placement
      .moveRoom('room', 1, { nodeId: 'a', workerIndex: 0 }, 'second mover')
      .catch((caught: unknown) => caught);

    expect((error as RegistryError).code).toBe('STALE_EPOCH');
  });

  test('one of 20 concurrent moves wins', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a'));
    await registry.placement.place(join('room', 'peer'));
    const movers = Array.from({ length: 20 }, () => harness.connect({ prefix: registry.keys.prefix }).registry);

    const outcomes = await Promise.allSettled(
      movers.map((mover, index) => mover.placement.moveRoom('room', 1, { nodeId: `n${index}`, workerIndex: 0 }, 'race')),
    );
    const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const room = await registry.rooms.get('room');

    expect(winners).toHaveLength(1);
    expect(room?.epoch).toBe(2);
    expect(room?.routers).toHaveLength(1);
  });

  test('move is recorded as a decision with its reason', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a'));
    await registry.placement.place(join('room', 'peer'));

    await registry.placement.moveRoom('room', 1, { nodeId: 'b', workerIndex: 2 }, 'node a lost');
    const [latest] = await registry.placement.decisions('room');

    expect(latest).toMatchObject({ rule: 'moved', reason: 'node a lost', nodeId: 'b', workerIndex: 2, epoch: 2 });
  });

  test('checkEpoch() of a missing room rejects with ROOM_NOT_FOUND', async () => {
    const { registry } = harness.fresh();

    const error = await registry.rooms.checkEpoch('nowhere', 1).catch((caught: unknown) => caught);

    expect((error as RegistryError).code).toBe('ROOM_NOT_FOUND');
  });
});

describe('RoomRegistry', () => {
  test('setRouter() and removeRouter() change the hosting nodes', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a'));
    await registry.placement.place(join('room', 'peer'));

    await registry.rooms.setRouter('room', { nodeId: 'a', workerIndex: 0, routerId: 'router-1' });
    await registry.rooms.setRouter('room', { nodeId: 'c', workerIndex: 1, routerId: 'router-2' });
    const both = await registry.rooms.get('room');
    await registry.rooms.removeRouter('room', 'a', 0);
    const one = await registry.rooms.get('room');

    expect(both?.routers).toEqual([
      { nodeId: 'a', workerIndex: 0, routerId: 'router-1' },
      { nodeId: 'c', workerIndex: 1, routerId: 'router-2' },
    ]);
    expect(one?.nodeIds).toEqual(['c']);
  });

  test('removePeer() and remove() delete records', async () => {
    const { registry } = harness.fresh();
    await registry.nodes.heartbeat(nodeRecord('a'));
    const request = join('room', 'peer');
    await registry.placement.place(request);
    await registry.placement.confirm(request.reservationId);

    const removed = await registry.rooms.removePeer('room', 'peer');
    await registry.rooms.remove('room');

    expect(removed).toBe(true);
    expect(await registry.rooms.peers('room')).toEqual([]);
    expect(await registry.rooms.get('room')).toBeUndefined();
    expect(await registry.placement.decisions('room')).toHaveLength(1);
  });

  test('setState() of a missing room rejects with ROOM_NOT_FOUND', async () => {
    const { registry } = harness.fresh();

    const error = await registry.rooms.setState('nowhere', 'closing').catch((caught: unknown) => caught);

    expect((error as RegistryError).code).toBe('ROOM_NOT_FOUND');
  });
});
