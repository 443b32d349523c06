import { waitFor } from '@sfu-cluster/testkit';

import { SfuTestbed } from './harness';

describe('room across workers of one node', () => {
  let testbed: SfuTestbed;

  beforeAll(async () => {
    testbed = await SfuTestbed.start({ workerNum: 2 });
  });

  afterAll(() => testbed.stop());

  test('peers on two workers receive each other', async () => {
    const alice = await testbed.publish(testbed.nodeA, 'room-x', 'alice', 'audio');
    const bob = await testbed.publish(testbed.nodeA, 'room-x', 'bob', 'audio');

    const toBob = await testbed.subscribe(testbed.nodeA, 'room-x', 'bob', alice.producerId, testbed.nodeA);
    const toAlice = await testbed.subscribe(testbed.nodeA, 'room-x', 'alice', bob.producerId, testbed.nodeA);

    const info = await testbed.call<{ rooms: { roomId: string; routers: { workerIndex: number }[]; peers: { peerId: string; workerIndex: number }[] }[] }>(
      testbed.nodeA,
      'node.describe',
      {},
    );
    const room = info.rooms.find((entry) => entry.roomId === 'room-x')!;
    expect(room.routers.map((router) => router.workerIndex).sort()).toEqual([0, 1]);
    expect(new Set(room.peers.map((peer) => peer.workerIndex)).size).toBe(2);
    await waitFor('media at bob', () => toBob.receiver.ofType(toBob.payloadType).length >= 20, 5000);
    await waitFor('media at alice', () => toAlice.receiver.ofType(toAlice.payloadType).length >= 20, 5000);
    expect(await testbed.metric(0, 'sfu_pipe_transports')).toBe(0);
  });
});
