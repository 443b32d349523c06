import { waitFor } from '@sfu-cluster/testkit';

import { SfuTestbed } from './harness';

describe('rooms across nodes', () => {
  let testbed: SfuTestbed;

  beforeAll(async () => {
    testbed = await SfuTestbed.start();
  });

  afterAll(() => testbed.stop());

  test('producer on A reaches consumer on B unchanged', async () => {
    const { producerId, sender } = await testbed.publish(testbed.nodeA, 'room-1', 'alice', 'audio');

    const first = await testbed.subscribe(testbed.nodeB, 'room-1', 'bob', producerId, testbed.nodeA);
    await waitFor('50 packets at bob', () => first.receiver.ofType(first.payloadType).length >= 50, 10_000);

    const sentPayloads = new Set(sender.sent.map((packet) => packet.subarray(12).toString()));
    for (const packet of first.receiver.ofType(first.payloadType)) {
      expect(sentPayloads.has(packet.payload.toString())).toBe(true);
    }

    const second = await testbed.subscribe(testbed.nodeB, 'room-1', 'carol', producerId, testbed.nodeA);
    await waitFor('50 packets at carol', () => second.receiver.ofType(second.payloadType).length >= 50, 10_000);

    expect(await testbed.metric(1, 'sfu_pipe_transports')).toBe(1);
    expect(await testbed.metric(0, 'sfu_pipe_transports')).toBe(1);
    expect(await testbed.metric(1, 'sfu_piped_producers')).toBe(1);
  });

  test('pause, resume and close on A reach B within 1 s', async () => {
    const { producerId } = await testbed.publish(testbed.nodeA, 'room-2', 'alice', 'audio');
    const { consumerId, payloadType, receiver } = await testbed.subscribe(testbed.nodeB, 'room-2', 'bob', producerId, testbed.nodeA);
    await waitFor('media at bob', () => receiver.ofType(payloadType).length >= 10, 10_000);
    const forBob = (event: string) => (e: { type: string; [key: string]: unknown }) =>
      e.type === 'peerNotification' && e.peerId === 'bob' && e.event === event && (e.data as { consumerId?: string }).consumerId === consumerId;

    await testbed.call(testbed.nodeA, 'producer.pause', { roomId: 'room-2', peerId: 'alice', producerId });
    await testbed.waitForEvent('consumerPaused for bob', forBob('consumerPaused'), 1000);
    const pausedAt = receiver.ofType(payloadType).length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A packet or two in flight at the pause may still land.
    expect(receiver.ofType(payloadType).length - pausedAt).toBeLessThanOrEqual(2);

    await testbed.call(testbed.nodeA, 'producer.resume', { roomId: 'room-2', peerId: 'alice', producerId });
    await testbed.waitForEvent('consumerResumed for bob', forBob('consumerResumed'), 1000);
    const resumedAt = receiver.ofType(payloadType).length;
    await waitFor('media again at bob', () => receiver.ofType(payloadType).length >= resumedAt + 5, 2000);

    await testbed.call(testbed.nodeA, 'producer.close', { roomId: 'room-2', peerId: 'alice', producerId });
    await testbed.waitForEvent('consumerClosed for bob', forBob('consumerClosed'), 1000);
  });

  test('keyframe request from B reaches the sender on A', async () => {
    const { producerId, sender } = await testbed.publish(testbed.nodeA, 'room-3', 'alice', 'video');
    const { consumerId, payloadType, receiver } = await testbed.subscribe(testbed.nodeB, 'room-3', 'bob', producerId, testbed.nodeA);
    await waitFor('video at bob', () => receiver.ofType(payloadType).length >= 10, 10_000);
    const before = sender.keyFrameRequests();

    await testbed.call(testbed.nodeB, 'consumer.requestKeyFrame', { roomId: 'room-3', peerId: 'bob', consumerId });

    await waitFor('a PLI or FIR at the sender', () => sender.keyFrameRequests() > before, 3000);
  });

  test('20 concurrent consumes on B make one pipe', async () => {
    const { producerId } = await testbed.publish(testbed.nodeA, 'room-4', 'alice', 'audio');
    const pipesBefore = await testbed.metric(1, 'sfu_pipe_transports');

    const subscribers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        testbed.subscribe(testbed.nodeB, 'room-4', `viewer-${index}`, producerId, testbed.nodeA),
      ),
    );

    expect(await testbed.metric(1, 'sfu_pipe_transports')).toBe(pipesBefore + 1);
    const describe = await testbed.call<{ rooms: { roomId: string; pipedProducers: unknown[] }[] }>(testbed.nodeB, 'node.describe', {});
    expect(describe.rooms.find((room) => room.roomId === 'room-4')?.pipedProducers).toHaveLength(1);
    for (const { receiver, payloadType } of subscribers) {
      await waitFor('media at each viewer', () => receiver.ofType(payloadType).length >= 5, 10_000);
    }
  });

  test('pipe is released when its last consumer leaves', async () => {
    const { producerId } = await testbed.publish(testbed.nodeA, 'room-5', 'alice', 'audio');
    await testbed.subscribe(testbed.nodeB, 'room-5', 'bob', producerId, testbed.nodeA);
    const pipes = await testbed.metric(1, 'sfu_pipe_transports');

    await testbed.call(testbed.nodeB, 'peer.close', { roomId: 'room-5', peerId: 'bob' });

    await waitFor('pipe closed on B', async () => (await testbed.metric(1, 'sfu_pipe_transports')) === pipes - 1, 3000);
    await waitFor('pipe closed on A', async () => {
      const info = await testbed.call<{ pipes: { roomId: string }[] }>(testbed.nodeA, 'node.describe', {});
      return info.pipes.every((pipe) => pipe.roomId !== 'room-5');
    }, 3000);
  });
});
