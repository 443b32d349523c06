import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { MeetingTestClient, SignalingTestClient, startCluster, waitFor, type LocalCluster } from '@sfu-cluster/testkit';

const token = (room: string, identity: string): Promise<string> => signToken(LOCAL_JWT_SECRET, { room, identity });

describe('track source', () => {
  let cluster: LocalCluster;
  const clients: { close(): void }[] = [];

  beforeAll(async () => {
    // One peer per SFU node: the subscriber's consumers come through a pipe from the publisher's node.
    cluster = await startCluster({ lifecyclePort: null, webPort: null, env: { SFU_MAX_PEERS: '1', LOG_LEVEL: 'warn' } });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster.stop();
  });

  test('consumers carry the producer source', async () => {
    const alice = await MeetingTestClient.join(cluster.signaling[0]!.url, await token('sources', 'alice'), { subscribe: false });
    clients.push(alice);
    const camera = await alice.publish('video', 'camera');
    const screen = await alice.publish('video', 'screen');

    // Producers present before the join reach bob as consumers of his new receive transport.
    const bob = await MeetingTestClient.join(cluster.signaling[1]!.url, await token('sources', 'bob'));
    clients.push(bob);
    expect(bob.nodeId).not.toBe(alice.nodeId);
    const listed = new Map(bob.answer.producers.map((producer) => [producer.producerId, producer.source]));
    expect(listed.get(camera)).toBe('camera');
    expect(listed.get(screen)).toBe('screen');

    // A producer made after the join reaches bob through the fan-out; without a source, audio is the microphone.
    const microphone = await alice.publish('audio');
    await waitFor('three streams from alice at bob', () => [...bob.received.values()].filter((stream) => stream.peerId === alice.peerId).length === 3, 10_000);

    const sourceOf = new Map([...bob.received.values()].map((stream) => [stream.producerId, stream.source]));
    expect(sourceOf.get(camera)).toBe('camera');
    expect(sourceOf.get(screen)).toBe('screen');
    expect(sourceOf.get(microphone)).toBe('microphone');
    await waitFor('screen video at bob', () => [...bob.received.values()].some((stream) => stream.source === 'screen' && stream.rtp.packets > 10), 10_000);
    expect(bob.errors).toEqual([]);
  });

  test('produce rejects source mismatching kind', async () => {
    const client = await SignalingTestClient.connect(cluster.signaling[0]!.url, await token('sources-invalid', 'carol'));
    clients.push(client);

    const answer = await client.request('produce', { transportId: 'any', kind: 'audio', source: 'camera', rtpParameters: {} });

    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
  });
});
