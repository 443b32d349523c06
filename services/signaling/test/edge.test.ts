import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken, type SignTokenOptions } from '@sfu-cluster/protocol';
import { clientEvents } from '@sfu-cluster/protocol';
import { MeetingTestClient, SignalingTestClient, startCluster, waitFor, type LocalCluster } from '@sfu-cluster/testkit';

const LIMITS = {
  SIGNALING_MAX_PAYLOAD_BYTES: '4096',
  SIGNALING_EVENTS_PER_SECOND: '10',
  ROOM_MAX_PEERS: '3',
  PEER_MAX_PRODUCERS: '2',
  PEER_MAX_CONSUMERS: '1',
};

const ICE = {
  MEDIASOUP_STUN_SERVERS: 'stun:127.0.0.1:3478',
  MEDIASOUP_TURN_SERVER: 'turn:127.0.0.1:3478',
  MEDIASOUP_TURN_USERNAME: 'turn-user',
  MEDIASOUP_TURN_PASSWORD: 'turn-pass',
};

const token = (options: Partial<SignTokenOptions> & { room: string }): Promise<string> =>
  signToken(LOCAL_JWT_SECRET, { identity: 'someone', ...options });

/** A produce payload mediasoup accepts; media need not flow for the limits below. */
const OPUS_PARAMETERS = {
  codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc: 1111 }],
};

describe('signaling edge', () => {
  let cluster: LocalCluster;
  let url: string;
  const open: { close(): void }[] = [];

  async function connect(room: string, options: Partial<SignTokenOptions> = {}): Promise<SignalingTestClient> {
    const client = await SignalingTestClient.connect(url, await token({ room, ...options }));
    open.push(client);
    return client;
  }

  beforeAll(async () => {
    cluster = await startCluster({ lifecyclePort: null, webPort: null, env: { ...LIMITS, ...ICE, LOG_LEVEL: 'warn' } });
    url = cluster.signaling[0]!.url;
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  afterAll(() => cluster.stop());

  describe('media-config', () => {
    const path = '/api/v1/meetings/room-a/media-config';

    test.each([
      ['no token', 401, undefined],
      ['bad token', 401, 'Bearer not.a.token'],
      ['wrong secret', 401, 'wrong'],
      ['another meeting', 403, 'other'],
    ])('%s gets %i', async (_name, status, header) => {
      let authorization = header;
      if (header === 'wrong') authorization = `Bearer ${await signToken('another-secret', { room: 'room-a', identity: 'x' })}`;
      if (header === 'other') authorization = `Bearer ${await token({ room: 'room-b' })}`;

      const response = await fetch(`${url}${path}`, { headers: authorization ? { authorization } : {} });

      expect(response.status).toBe(status);
    });

    test('returns the configured STUN and TURN', async () => {
      const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${await token({ room: 'room-a' })}` } });
      const body = (await response.json()) as { iceServers: unknown; signalingUrl: string; routerRtpCapabilities: { codecs: unknown[] } };

      expect(response.status).toBe(200);
      expect(body.iceServers).toEqual([
        { urls: ['stun:127.0.0.1:3478'] },
        { urls: ['turn:127.0.0.1:3478'], username: 'turn-user', credential: 'turn-pass' },
      ]);
      expect(body.routerRtpCapabilities.codecs.length).toBeGreaterThan(0);
    });
  });

  describe('tokens and grants', () => {
    test('no token is refused on connect', async () => {
      await expect(SignalingTestClient.connect(url, '')).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    });

    test('expired token is refused on connect', async () => {
      const expired = await token({ room: 'room-t', ttlSeconds: -10 });

      await expect(SignalingTestClient.connect(url, expired)).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    });

    test('token for room X cannot join room Y', async () => {
      const client = await connect('room-x');

      const answer = await client.request('join', { roomId: 'room-y' });

      expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    });

    test('token without publish cannot produce', async () => {
      const client = await connect('room-p', { grants: { publish: false } });
      await client.ok('join');

      const send = await client.request('createTransport', { direction: 'send' });
      const produce = await client.request('produce', { transportId: 'any', kind: 'audio', rtpParameters: OPUS_PARAMETERS });

      expect(send).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(produce).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    });

    test('expired token cannot resume a session', async () => {
      const client = await connect('room-r');
      const { sessionId } = await client.ok<{ sessionId: string }>('join');
      const shortLived = await token({ room: 'room-r', ttlSeconds: 1 });
      await new Promise((resolve) => setTimeout(resolve, 1100));

      await expect(SignalingTestClient.connect(url, shortLived)).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
      const stranger = await connect('room-r', { identity: 'somebody-else' });
      expect(await stranger.request('resume', { sessionId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    });
  });

  describe('limits at their edge', () => {
    test('ROOM_MAX_PEERS=3 admits 3 and refuses the 4th', async () => {
      const answers = [];
      for (let index = 0; index < 4; index++) answers.push(await (await connect('room-full')).request('join'));

      expect(answers.slice(0, 3).every((answer) => answer.ok)).toBe(true);
      expect(answers[3]).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
    });

    test('PEER_MAX_PRODUCERS=2 allows 2 producers and refuses the 3rd', async () => {
      const client = await connect('room-prod');
      await client.ok('join');
      const send = await client.ok<{ transportId: string }>('createTransport', { direction: 'send' });
      const produce = (ssrc: number) =>
        client.request('produce', { transportId: send.transportId, kind: 'audio', rtpParameters: { ...OPUS_PARAMETERS, encodings: [{ ssrc }] } });

      const first = await produce(1);
      const second = await produce(2);
      const third = await produce(3);

      expect(first.ok && second.ok).toBe(true);
      expect(third).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
    });

    test('PEER_MAX_CONSUMERS=1 gives a subscriber one consumer of two producers', async () => {
      const publisher = await MeetingTestClient.join(url, await token({ room: 'room-cons', identity: 'pub' }), { publish: ['audio', 'video'] });
      open.push(publisher);
      const viewer = await MeetingTestClient.join(url, await token({ room: 'room-cons', identity: 'viewer' }));
      open.push(viewer);

      await waitFor('one consumer at the viewer', () => viewer.received.size === 1, 5000);
      await new Promise((resolve) => setTimeout(resolve, 500));

      expect(viewer.received.size).toBe(1);
    });

    test('payload under SIGNALING_MAX_PAYLOAD_BYTES is answered, over it disconnects', async () => {
      const client = await connect('room-size');

      const under = await client.request('consume', { producerId: 'x'.repeat(3000) });
      expect(under).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });

      client.socket.emit('consume', { producerId: 'x'.repeat(5000) });
      await waitFor('disconnect', () => client.disconnectReason !== undefined, 3000);
    });

    test('SIGNALING_EVENTS_PER_SECOND=10 allows a burst of 20, refuses the 21st', async () => {
      const client = await connect('room-rate');

      const burst = await Promise.all(Array.from({ length: 20 }, () => client.request('leave')));
      const over = await client.request('leave');

      expect(burst.every((answer) => !answer.ok && answer.error.code === 'NOT_JOINED')).toBe(true);
      expect(over).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    });
  });

  describe('hostile input', () => {
    /** Every field a payload can have, each of the wrong type. */
    const WRONG_TYPES = {
      roomId: 5, displayName: 5, direction: 7, rtpCapabilities: 'x', transportId: [], dtlsParameters: 'x',
      kind: 'smell', rtpParameters: 'x', appData: 'x', producerId: 5, consumerId: {}, spatialLayer: 'x', sessionId: null,
    };
    /** Events for which an empty payload is valid. */
    const EMPTY_IS_VALID = new Set(['join', 'leave']);

    test('every event with malformed payloads gets an error or a disconnect', async () => {
      const publisher = await MeetingTestClient.join(url, await token({ room: 'room-h', identity: 'pub' }), { publish: ['audio'] });
      open.push(publisher);
      const viewer = await MeetingTestClient.join(url, await token({ room: 'room-h', identity: 'viewer' }));
      open.push(viewer);
      await waitFor('media at the viewer', () => viewer.packetsFrom(publisher.peerId) > 10, 10_000);
      const pids = cluster.processes().map((entry) => entry.process.pid);

      for (const event of clientEvents) {
        // A fresh socket per event keeps the rate limit out of this part.
        const attacker = await connect('room-h', { identity: 'mallory' });
        if (event !== 'join') await attacker.request('join');

        const variants: unknown[] = [42, 'text', null, [1, 2], WRONG_TYPES];
        if (!EMPTY_IS_VALID.has(event)) variants.push({});
        for (const payload of variants) {
          const answer = await attacker.request(event, payload);
          expect({ event, payload, ok: answer.ok }).toEqual({ event, payload, ok: false });
        }

        attacker.socket.emit(event, { producerId: 'x'.repeat(1_000_000), roomId: 'x'.repeat(1_000_000) });
        await waitFor(`disconnect after a 1 MB ${event}`, () => attacker.disconnectReason !== undefined, 3000);
      }

      const prober = await connect('room-h', { identity: 'prober' });
      for (const name of ['hack', '__proto__', 'constructor', 'x'.repeat(1000), 'toString']) {
        expect(await prober.request(name, {})).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
      }

      const flooder = await connect('room-h', { identity: 'flooder' });
      const flood = await Promise.all(Array.from({ length: 60 }, () => flooder.request('consume', { producerId: 'p' })));
      expect(flood.filter((answer) => !answer.ok && answer.error.code === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(30);

      const before = viewer.packetsFrom(publisher.peerId);
      await waitFor('media still flowing at the viewer', () => viewer.packetsFrom(publisher.peerId) > before + 20, 5000);
      expect(cluster.processes().map((entry) => entry.process.pid)).toEqual(pids);
      expect(cluster.processes().every((entry) => entry.process.running)).toBe(true);
    });
  });
});
