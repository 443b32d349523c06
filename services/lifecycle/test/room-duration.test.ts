import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { createRegistry } from '@sfu-cluster/registry';
import { freePort, SignalingTestClient, startCluster, waitFor, type LocalCluster } from '@sfu-cluster/testkit';
import { Redis } from 'ioredis';

describe('ROOM_MAX_DURATION', () => {
  let cluster: LocalCluster;
  let redis: Redis;

  beforeAll(async () => {
    cluster = await startCluster({
      signalingPorts: [await freePort()],
      sfuPorts: [await freePort()],
      webPort: null,
      env: { ROOM_MAX_DURATION: '2', LOG_LEVEL: 'warn' },
    });
    redis = new Redis(cluster.redisUrl);
  });

  afterAll(async () => {
    redis.disconnect();
    await cluster.stop();
  });

  test('room ends at its maximum duration with notice to its peers', async () => {
    const registry = createRegistry(redis, { prefix: cluster.prefix });
    const client = await SignalingTestClient.connect(cluster.signaling[0]!.url, await signToken(LOCAL_JWT_SECRET, { room: 'timed', identity: 'alice' }));
    await client.ok('join');
    const joinedAt = Date.now();

    const notice = await client.waitForNotification('roomClosed', (data) => data.roomId === 'timed', 8000);

    // Not before its 2 s: the job is delayed, not run at once.
    expect(notice.at - joinedAt).toBeGreaterThanOrEqual(1900);
    expect(notice.data.reason).toBe('maximum duration reached');
    await waitFor('room gone from the registry', async () => (await registry.rooms.get('timed')) === undefined, 3000);
    expect(await registry.participants.count('timed')).toBe(0);
    const after = await client.request('createTransport', { direction: 'send' });
    expect(after).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
    client.close();
  });
});
