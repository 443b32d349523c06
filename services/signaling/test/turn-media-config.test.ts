import { createHmac } from 'node:crypto';

import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { freePort, ManagedProcess, serviceEntry, SignalingTestClient, startCluster, type LocalCluster } from '@sfu-cluster/testkit';

const TURN_URL = 'turn:127.0.0.1:3478?transport=udp';
const TURN_SECRET = 'static-auth-secret-of-this-test';
const TTL_SECONDS = 600;
const TURN_ENV = { MEDIASOUP_TURN_SERVER: TURN_URL, MEDIASOUP_TURN_SECRET: TURN_SECRET, MEDIASOUP_TURN_CREDENTIAL_TTL: String(TTL_SECONDS) };
/** Exit status of a process stopped by a configuration problem (EX_CONFIG). */
const EX_CONFIG = 78;

interface MediaConfigBody {
  iceServers: { urls: string[]; username?: string; credential?: string }[];
  turnCredentialExpiresAt?: number;
}

const hmacOf = (username: string): string => createHmac('sha1', TURN_SECRET).update(username).digest('base64');
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Starts one signaling process on the cluster's Redis, with no MEDIASOUP_TURN_* inherited from this process. */
function signalingProcess(cluster: LocalCluster, port: number, extraEnv: Record<string, string>, lines: string[]): ManagedProcess {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('MEDIASOUP_TURN_')) delete env[name];

  return new ManagedProcess({
    name: `signaling-${port}`,
    command: process.execPath,
    args: [serviceEntry('signaling')],
    env: {
      ...env,
      CLUSTER_MODE: 'local',
      REDIS_URL: cluster.redisUrl,
      REDIS_PREFIX: cluster.prefix,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'debug',
      SFU_CLUSTER_PARENT_PID: String(process.pid),
      ...extraEnv,
    },
    onLine: (line) => lines.push(line),
  });
}

describe('TURN credentials from a shared secret', () => {
  let cluster: LocalCluster;
  let url: string;
  const lines: string[] = [];
  const minted: string[] = [];
  const extra: ManagedProcess[] = [];

  async function mediaConfig(baseUrl: string, identity: string): Promise<MediaConfigBody> {
    const token = await signToken(LOCAL_JWT_SECRET, { identity, room: 'turn-room' });
    const response = await fetch(`${baseUrl}/api/v1/meetings/turn-room/media-config`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as MediaConfigBody;
  }

  beforeAll(async () => {
    cluster = await startCluster({
      signalingPorts: [await freePort()],
      sfuPorts: [await freePort()],
      lifecyclePort: null,
      webPort: null,
      env: { ...TURN_ENV, LOG_LEVEL: 'debug' },
      onLine: (_name, line) => lines.push(line),
    });
    url = cluster.signaling[0]!.url;
  });

  afterAll(async () => {
    await Promise.all(extra.map((child) => child.stop(10_000, 'SIGINT')));
    await cluster?.stop();
  });

  test('media-config mints a credential that verifies', async () => {
    const before = nowSeconds();
    const body = await mediaConfig(url, 'alice');
    const after = nowSeconds();

    expect(body.iceServers).toHaveLength(1);
    const [turn] = body.iceServers;
    expect(turn?.urls).toEqual([TURN_URL]);
    const expiresAt = Number(turn?.username?.split(':')[0]);
    expect(expiresAt).toBeGreaterThanOrEqual(before + TTL_SECONDS);
    expect(expiresAt).toBeLessThanOrEqual(after + TTL_SECONDS);
    expect(turn?.username).toBe(`${expiresAt}:alice`);
    expect(turn?.credential).toBe(hmacOf(`${expiresAt}:alice`));
    expect(body.turnCredentialExpiresAt).toBe(expiresAt);
    minted.push(turn?.credential ?? '');
  });

  test('media-config mints per identity', async () => {
    const body = await mediaConfig(url, 'bob');

    const username = body.iceServers[0]?.username ?? '';
    expect(username).toMatch(/^\d+:bob$/);
    expect(body.iceServers[0]?.credential).toBe(hmacOf(username));
    minted.push(body.iceServers[0]?.credential ?? '');
  });

  test('join answer carries a minted credential', async () => {
    const client = await SignalingTestClient.connect(url, await signToken(LOCAL_JWT_SECRET, { identity: 'carol', room: 'turn-room' }));
    try {
      const answer = await client.ok<MediaConfigBody>('join', { displayName: 'Carol' });

      const turn = answer.iceServers.find((server) => server.urls.includes(TURN_URL));
      expect(turn?.username).toMatch(/^\d+:carol$/);
      expect(turn?.credential).toBe(hmacOf(turn?.username ?? ''));
      expect(answer.turnCredentialExpiresAt).toBe(Number(turn?.username?.split(':')[0]));
      minted.push(turn?.credential ?? '');
    } finally {
      client.close();
    }
  });

  test('without TURN media-config has none', async () => {
    const port = await freePort();
    const plain = signalingProcess(cluster, port, {}, lines);
    extra.push(plain);
    plain.start();
    await plain.waitForHttp(`http://127.0.0.1:${port}/api/v1/ready`, 30_000);

    const body = await mediaConfig(`http://127.0.0.1:${port}`, 'dave');

    expect(body.iceServers).toEqual([]);
    expect(body.turnCredentialExpiresAt).toBeUndefined();
  });

  test('secret with a password stops signaling', async () => {
    const output: string[] = [];
    const child = signalingProcess(cluster, await freePort(), { ...TURN_ENV, MEDIASOUP_TURN_PASSWORD: 'static-password' }, output);
    child.start();

    const exit = await child.waitForExit(30_000);

    expect(exit.code).toBe(EX_CONFIG);
    expect(output.join('\n')).toContain('MEDIASOUP_TURN_SECRET and MEDIASOUP_TURN_PASSWORD are both set');
    expect(output.join('\n')).not.toContain(TURN_SECRET);
    expect(output.join('\n')).not.toContain('static-password');
  });

  test('logs carry no secret or credential', () => {
    expect(minted).toHaveLength(3);
    const log = lines.join('\n');

    expect(log).not.toContain(TURN_SECRET);
    for (const credential of minted) expect(log).not.toContain(credential);
  });
});
