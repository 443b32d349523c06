import { RpcError } from '@sfu-cluster/rpc';
import { rejectionOf, waitFor } from '@sfu-cluster/testkit';

import { SfuTestbed, type NodeEvent } from './harness';

interface Health {
  state: string;
  workers: { index: number; pid: number }[];
}

async function health(testbed: SfuTestbed, index: number): Promise<Health> {
  return (await (await fetch(`${testbed.cluster.sfu[index]!.url}/api/v1/health`)).json()) as Health;
}

const rejection = (promise: Promise<unknown>): Promise<RpcError> => rejectionOf(promise, RpcError);

describe('sfu node faults', () => {
  let testbed: SfuTestbed;

  beforeEach(async () => {
    testbed = await SfuTestbed.start();
  });

  afterEach(() => testbed.stop());

  test('killed worker is respawned and its peers named', async () => {
    const { producerId } = await testbed.publish(testbed.nodeA, 'room-w', 'alice', 'audio');
    await testbed.subscribe(testbed.nodeB, 'room-w', 'bob', producerId, testbed.nodeA);
    await testbed.subscribe(testbed.nodeB, 'room-w', 'carol', producerId, testbed.nodeA);
    const routersKey = testbed.registry.keys.roomRouters('room-w');
    expect(await redisFields(testbed, routersKey)).toContain('sfu-2#0');
    const oldPid = (await health(testbed, 1)).workers[0]!.pid;

    process.kill(oldPid, 'SIGKILL');
    const killedAt = Date.now();

    const lost = await testbed.waitForEvent('workerLost from B', (e) => e.type === 'workerLost' && e.nodeId === testbed.nodeB, 3000);
    const peers = (lost.peers as { peerId: string }[]).map((peer) => peer.peerId).sort();
    expect(peers).toEqual(['bob', 'carol']);
    await waitFor('B router gone from Redis', async () => !(await redisFields(testbed, routersKey)).includes('sfu-2#0'), 3000);
    expect(Date.now() - killedAt).toBeLessThan(3000);
    await waitFor('worker respawned', async () => {
      const pid = (await health(testbed, 1)).workers[0]?.pid;
      return pid !== undefined && pid !== oldPid;
    }, 5000);

    // The respawned worker serves new peers.
    const again = await testbed.subscribe(testbed.nodeB, 'room-w', 'dave', producerId, testbed.nodeA);
    await waitFor('media at dave', () => again.receiver.ofType(again.payloadType).length >= 5, 5000);
  });

  test('killed node record expires within 3 s and calls to it fail', async () => {
    const node = testbed.cluster.sfu[1]!;
    expect(await testbed.registry.nodes.get(node.nodeId)).toBeDefined();

    node.process.kill('SIGKILL', { group: true });
    const killedAt = Date.now();

    await waitFor('record expired', async () => (await testbed.registry.nodes.get(node.nodeId)) === undefined, 3500, 20);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(3100);
    const started = Date.now();
    const error = await rejection(testbed.call(node.nodeId, 'room.join', { roomId: 'r', peerId: 'p' }, 1000));
    expect(['NODE_UNREACHABLE', 'RPC_TIMEOUT']).toContain(error.code);
    expect(Date.now() - started).toBeLessThanOrEqual(1100);
  });

  test('SIGTERM drains: skipped by placement, exits when empty', async () => {
    const node = testbed.cluster.sfu[0]!;
    const { producerId } = await testbed.publish(testbed.nodeA, 'room-d', 'alice', 'audio');
    const local = await testbed.subscribe(testbed.nodeA, 'room-d', 'bob', producerId, testbed.nodeA);

    node.process.kill('SIGTERM');

    await waitFor('A draining in the registry', async () => (await testbed.registry.nodes.get(node.nodeId))?.state === 'draining', 500, 10);
    expect((await health(testbed, 0)).state).toBe('draining');
    const placed = await testbed.registry.placement.place({
      roomId: 'room-new',
      peerId: 'erin',
      reservationId: 'res-erin',
      cost: { peers: 1, consumers: 1 },
    });
    expect(placed).toMatchObject({ placed: true, nodeId: testbed.nodeB });
    const refused = await rejection(testbed.call(testbed.nodeA, 'room.join', { roomId: 'room-d', peerId: 'frank' }));
    expect(refused.code).toBe('NODE_DRAINING');

    // It keeps serving the peers it has.
    const count = local.receiver.ofType(local.payloadType).length;
    await waitFor('media still flowing on A', () => local.receiver.ofType(local.payloadType).length > count + 10, 2000);

    await testbed.call(testbed.nodeA, 'peer.close', { roomId: 'room-d', peerId: 'bob' });
    await testbed.call(testbed.nodeA, 'peer.close', { roomId: 'room-d', peerId: 'alice' });
    const status = await node.process.waitForExit(5000);
    expect(status.code).toBe(0);
    expect(testbed.events.some((e: NodeEvent) => e.type === 'nodeDrained' && e.nodeId === node.nodeId)).toBe(true);
  });

  test('bad RPC input gets typed errors and other rooms keep media', async () => {
    const { producerId } = await testbed.publish(testbed.nodeA, 'room-ok', 'alice', 'audio');
    const watcher = await testbed.subscribe(testbed.nodeA, 'room-ok', 'bob', producerId, testbed.nodeA);
    await testbed.call(testbed.nodeA, 'room.join', { roomId: 'room-bad', peerId: 'mallory' });
    const pid = testbed.cluster.sfu[0]!.process.pid;
    const huge = 'x'.repeat(1_000_000);

    const cases: [string, string, unknown, string][] = [
      ['unknown method', 'router.explode', {}, 'METHOD_NOT_FOUND'],
      ['params not an object', 'room.join', 42, 'INVALID_PARAMS'],
      ['wrong type', 'room.join', { roomId: 7, peerId: 'x' }, 'INVALID_PARAMS'],
      ['huge id', 'room.join', { roomId: huge, peerId: 'x' }, 'INVALID_PARAMS'],
      ['unknown peer', 'transport.createWebRtc', { roomId: 'room-bad', peerId: 'nobody', direction: 'send' }, 'PEER_NOT_FOUND'],
      ['unknown room', 'consumer.resume', { roomId: 'nowhere', peerId: 'x', consumerId: 'c' }, 'PEER_NOT_FOUND'],
      ['unknown transport', 'transport.connectPlain', { roomId: 'room-bad', peerId: 'mallory', transportId: 't', ip: '127.0.0.1', port: 9 }, 'TRANSPORT_NOT_FOUND'],
      ['unknown producer', 'producer.pause', { roomId: 'room-bad', peerId: 'mallory', producerId: producerId }, 'PRODUCER_NOT_FOUND'],
      ['bad direction', 'transport.createPlain', { roomId: 'room-bad', peerId: 'mallory', direction: 'sideways' }, 'INVALID_PARAMS'],
      ['bad ip', 'transport.connectPlain', { roomId: 'room-bad', peerId: 'mallory', transportId: 't', ip: 'localhost', port: 9 }, 'INVALID_PARAMS'],
      ['other peer media', 'producer.close', { roomId: 'room-ok', peerId: 'bob', producerId }, 'PRODUCER_NOT_FOUND'],
    ];
    for (const [name, method, params, code] of cases) {
      const error = await rejection(testbed.call(testbed.nodeA, method, params));
      expect({ name, code: error.code }).toEqual({ name, code });
    }

    // A produce with parameters mediasoup cannot use.
    const send = await testbed.call<{ transportId: string }>(testbed.nodeA, 'transport.createPlain', {
      roomId: 'room-bad',
      peerId: 'mallory',
      direction: 'send',
    });
    const badCodec = await rejection(
      testbed.call(testbed.nodeA, 'producer.create', {
        roomId: 'room-bad',
        peerId: 'mallory',
        transportId: send.transportId,
        kind: 'audio',
        rtpParameters: { codecs: [{ mimeType: 'audio/nonsense', payloadType: 100, clockRate: 1 }], encodings: [{ ssrc: 1 }] },
      }),
    );
    expect(badCodec.code).toBe('INVALID_PAYLOAD');

    const count = watcher.receiver.ofType(watcher.payloadType).length;
    await waitFor('media still flowing in the other room', () => watcher.receiver.ofType(watcher.payloadType).length > count + 10, 2000);
    expect(testbed.cluster.sfu[0]!.process.pid).toBe(pid);
    expect(testbed.cluster.sfu[0]!.process.running).toBe(true);
  });
});

async function redisFields(testbed: SfuTestbed, key: string): Promise<string[]> {
  return testbed.redisFields(key);
}
