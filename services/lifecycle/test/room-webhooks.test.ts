import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';

import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { freePort, MeetingTestClient, startCluster, waitFor, type LocalCluster } from '@sfu-cluster/testkit';

const SECRET = 'webhook-test-secret-of-enough-length';

interface Posted {
  type: string;
  roomId: string;
  sequence: number;
  participantId?: string;
}

describe('webhooks from a real meeting', () => {
  let cluster: LocalCluster;
  let receiver: Server;
  const posted: Posted[] = [];
  const badSignatures: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const expected = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
        if (req.headers['x-sfu-signature'] !== expected) badSignatures.push(body);
        posted.push(JSON.parse(body) as Posted);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));

    cluster = await startCluster({
      signalingPorts: [await freePort()],
      sfuPorts: [await freePort()],
      webPort: null,
      env: { WEBHOOK_URLS: `http://127.0.0.1:${port}/hook`, WEBHOOK_SECRET: SECRET, ROOM_EMPTY_TIMEOUT: '1', LOG_LEVEL: 'warn' },
    });
  });

  afterAll(async () => {
    await cluster.stop();
    await new Promise((resolve) => receiver.close(resolve));
  });

  test('a join, publish, leave and close post their events in order', async () => {
    const client = await MeetingTestClient.join(cluster.signaling[0]!.url, await signToken(LOCAL_JWT_SECRET, { room: 'hooked', identity: 'alice' }), {
      publish: ['audio'],
    });
    await client.signaling.ok('leave');
    client.close();

    await waitFor('room_finished posted', () => posted.some((event) => event.type === 'room_finished'), 15_000);
    const types = posted.filter((event) => event.roomId === 'hooked').map((event) => event.type);

    expect(types).toEqual(['room_started', 'participant_joined', 'track_published', 'track_unpublished', 'participant_left', 'room_finished']);
    expect(posted.map((event) => event.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(posted[1]!.participantId).toBe(client.peerId);
    expect(badSignatures).toEqual([]);
  });
});
