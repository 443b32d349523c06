import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { MeetingTestClient, sleep, startCluster, waitFor, type LocalCluster } from '@sfu-cluster/testkit';

const INTERVAL_MS = 1500;

const token = (room: string, identity: string): Promise<string> => signToken(LOCAL_JWT_SECRET, { room, identity });

/** Waits until a counter has not moved for quietMs, so what follows is not mixed with earlier activity. */
async function settled(read: () => number, quietMs: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let value = read();
  while (Date.now() < deadline) {
    await sleep(quietMs);
    if (read() === value) return value;
    value = read();
  }
  throw new Error(`the counter still moved after ${timeoutMs} ms`);
}

describe('requestKeyFrame', () => {
  let cluster: LocalCluster;
  const clients: { close(): void }[] = [];

  beforeAll(async () => {
    // One peer per SFU node: the request crosses the pipe from the subscriber's node to the publisher's.
    cluster = await startCluster({
      lifecyclePort: null,
      webPort: null,
      env: { SFU_MAX_PEERS: '1', LOG_LEVEL: 'warn', SIGNALING_KEYFRAME_REQUEST_INTERVAL_MS: String(INTERVAL_MS) },
    });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster.stop();
  });

  test('reaches the producer; spaced per consumer', async () => {
    const alice = await MeetingTestClient.join(cluster.signaling[0]!.url, await token('keyframes', 'alice'), { subscribe: false });
    clients.push(alice);
    const producerId = await alice.publish('video', 'camera');
    const bob = await MeetingTestClient.join(cluster.signaling[1]!.url, await token('keyframes', 'bob'));
    clients.push(bob);
    expect(bob.nodeId).not.toBe(alice.nodeId);
    await waitFor('video from alice at bob', () => [...bob.received.values()].some((stream) => stream.producerId === producerId && stream.rtp.packets > 10), 15_000);
    const consumerId = [...bob.received.entries()].find(([, stream]) => stream.producerId === producerId)![0];

    // The SFU requests keyframes on its own when the consumer starts; those must be over first.
    const before = await settled(() => alice.keyFrameRequests(producerId), 1000, 10_000);
    const first = await bob.signaling.request('requestKeyFrame', { consumerId });
    const second = await bob.signaling.request('requestKeyFrame', { consumerId });

    expect(first).toEqual({ ok: true });
    await waitFor('a PLI at alice', () => alice.keyFrameRequests(producerId) > before, 5000);
    expect(second).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });

    await sleep(INTERVAL_MS);
    const third = await bob.signaling.request('requestKeyFrame', { consumerId });
    expect(third).toEqual({ ok: true });

    const unknown = await bob.signaling.request('requestKeyFrame', { consumerId: 'no-such-consumer' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'CONSUMER_NOT_FOUND' } });
  });
});
