import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { freePort, MeetingTestClient, startCluster, waitFor, type LocalCluster } from '@sfu-cluster/testkit';

import { startRecordingProxy } from './recording-proxy';
import { runCli, type CliResult } from './run-cli';

const ROOM = 'standup';

const token = (room: string, identity: string, admin = false): Promise<string> =>
  signToken(LOCAL_JWT_SECRET, { room, identity, grants: { admin } });

describe('sfuctl against a cluster with a room on two nodes', () => {
  let cluster: LocalCluster;
  let url: string;
  let adminToken: string;
  const clients: MeetingTestClient[] = [];

  /** Requests an admin route directly, as the reference for --json. */
  const adminGet = async (path: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${adminToken}` } });
    return { status: response.status, body: await response.json() };
  };

  /** Runs sfuctl against the first signaling node, with the token sfuctl mints itself in local mode. */
  const sfuctl = (...args: string[]): Promise<CliResult> => runCli([...args, '--url', url]);

  beforeAll(async () => {
    // One peer per SFU node, so the second participant lands on the other node and a pipe appears.
    cluster = await startCluster({ lifecyclePort: null, webPort: null, env: { SFU_MAX_PEERS: '1', LOG_LEVEL: 'warn' } });
    url = cluster.signaling[0]!.url;
    adminToken = await token('*', 'test-operator', true);

    const alice = await MeetingTestClient.join(cluster.signaling[0]!.url, await token(ROOM, 'alice'), { publish: ['audio', 'video'] });
    clients.push(alice);
    const bob = await MeetingTestClient.join(cluster.signaling[1]!.url, await token(ROOM, 'bob'), { publish: ['audio', 'video'] });
    clients.push(bob);
    await waitFor('media from bob at alice', () => alice.packetsFrom(bob.peerId) > 0, 15_000);
    await waitFor('media from alice at bob', () => bob.packetsFrom(alice.peerId) > 0, 15_000);
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
  });

  test('room shows both nodes and the pipe', async () => {
    const result = await sfuctl('room', ROOM);

    expect(result.stderr).toBe('');
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toContain(`room ${ROOM}`);
    expect(result.stdout).toContain('node sfu-1');
    expect(result.stdout).toContain('node sfu-2');
    expect(result.stdout).toContain('peer alice');
    expect(result.stdout).toContain('peer bob');
    expect(result.stdout).toMatch(/sfu-1 → sfu-2 {2}2 producers {2}\d[\d.]* [kMG]?bps/);
    expect(result.stdout).toMatch(/sfu-2 → sfu-1 {2}2 producers {2}\d[\d.]* [kMG]?bps/);
    expect(result.stdout).toMatch(/peer alice \(.*consumers? {2}in \d[\d.]* [kMG]?bps {2}out \d[\d.]* [kMG]?bps {2}loss (\d+%|-)/);
    expect(result.stdout).toMatch(/producer audio /);
    expect(result.stdout).toMatch(/producer video /);
  });

  test('room --why lists each recorded decision', async () => {
    const reference = (await adminGet(`/api/v1/admin/rooms/${ROOM}`)).body as { decisions: { rule: string; nodeId?: string }[] };
    const result = await sfuctl('room', ROOM, '--why');

    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(reference.decisions.length).toBeGreaterThanOrEqual(2);
    expect(result.stdout).toContain('placement decisions, newest first');
    expect(result.stdout).toContain('CANDIDATE');
    for (const decision of reference.decisions) {
      expect(result.stdout).toContain(`${decision.rule}  → ${decision.nodeId} worker`);
    }
  });

  test('--json prints the response sfuctl received', async () => {
    const proxy = await startRecordingProxy(url);
    const cases: { args: string[]; path: string }[] = [
      { args: ['nodes'], path: '/api/v1/admin/nodes' },
      { args: ['rooms'], path: '/api/v1/admin/rooms' },
      { args: ['room', ROOM], path: `/api/v1/admin/rooms/${ROOM}` },
      { args: ['room', ROOM, '--why'], path: `/api/v1/admin/rooms/${ROOM}` },
      { args: ['peers', ROOM], path: `/api/v1/admin/rooms/${ROOM}` },
      { args: ['top', '--once'], path: '/api/v1/admin/nodes' },
    ];

    try {
      for (const { args, path } of cases) {
        proxy.responses.clear();
        const result = await runCli([...args, '--json', '--url', proxy.url]);

        expect({ args, status: result.status }).toEqual({ args, status: 0 });
        expect({ args, printed: JSON.parse(result.stdout) as unknown }).toEqual({ args, printed: proxy.responses.get(path) });
      }
    } finally {
      await proxy.close();
    }
  });

  test('--json of room commands equals a direct request', async () => {
    // Bitrates and packet loss come from each node's latest load sample and
    // change between two requests, so those are compared by type.
    const LIVE_FIGURES = new Set(['bitrate', 'bitrateIn', 'bitrateOut', 'packetLoss']);
    const stable = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(stable);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(
        Object.entries(value).map(([key, entry]) => [key, LIVE_FIGURES.has(key) ? typeof entry : stable(entry)]),
      );
    };
    const cases: { args: string[]; path: string }[] = [
      { args: ['rooms'], path: '/api/v1/admin/rooms' },
      { args: ['room', ROOM], path: `/api/v1/admin/rooms/${ROOM}` },
      { args: ['peers', ROOM], path: `/api/v1/admin/rooms/${ROOM}` },
    ];

    for (const { args, path } of cases) {
      const result = await sfuctl(...args, '--json');
      const direct = await adminGet(path);

      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      expect(direct.status).toBe(200);
      expect({ args, printed: stable(JSON.parse(result.stdout)) }).toEqual({ args, printed: stable(direct.body) });
    }
  });

  test('--json of node commands equals a direct request', async () => {
    // Each node rewrites its record every second with new load figures and
    // updatedAt, so those are compared by type; the rest must be equal.
    const stable = (response: unknown): unknown => {
      const { nodes, lost } = response as { nodes: Record<string, unknown>[]; lost: string[] };
      return { lost, nodes: nodes.map(({ load, updatedAt, ...rest }) => ({ ...rest, load: typeof load, updatedAt: typeof updatedAt })) };
    };

    for (const args of [['nodes'], ['top', '--once']]) {
      const result = await sfuctl(...args, '--json');
      const direct = await adminGet('/api/v1/admin/nodes');

      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      expect({ args, printed: stable(JSON.parse(result.stdout)) }).toEqual({ args, printed: stable(direct.body) });
    }
  });

  test('nodes lists both nodes at capacity', async () => {
    const result = await sfuctl('nodes');

    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NODE\s+STATE\s+REGION\s+PEERS\s+CONSUMERS\s+CPU\s+IN\s+OUT\s+VERSION\s+AGE$/);
    expect(lines.find((line) => line.startsWith('sfu-1 '))).toMatch(/ active .* 1\/1 /);
    expect(lines.find((line) => line.startsWith('sfu-2 '))).toMatch(/ active .* 1\/1 /);
  });

  test('rooms lists the room on two nodes', async () => {
    const result = await sfuctl('rooms');

    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    const row = result.stdout.split('\n').find((line) => line.startsWith(`${ROOM} `));
    expect(row).toBeDefined();
    expect(row).toMatch(/sfu-1,sfu-2|sfu-2,sfu-1/);
    expect(row).toMatch(/ 2 +4 /);
  });

  test('peers shows each participant on its node', async () => {
    const result = await sfuctl('peers', ROOM);

    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    for (const client of clients) {
      const row = result.stdout.split('\n').find((line) => line.startsWith(client.peerId));
      expect(row).toBeDefined();
      expect(row).toContain(` ${client.nodeId} `);
    }
  });

  test('top --once prints both nodes', async () => {
    const result = await sfuctl('top', '--once');

    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toContain('2 nodes: 2 active, 0 draining, 0 lost');
    expect(result.stdout).toMatch(/^sfu-1 +active/m);
    expect(result.stdout).toMatch(/^sfu-2 +active/m);
    expect(result.stdout).not.toContain('\x1b[');
  });

  test('token prints a token the admin API accepts', async () => {
    const result = await runCli(['token', '--room', '*', '--identity', 'ops', '--admin', '--json']);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    const { token: minted } = JSON.parse(result.stdout) as { token: string };

    const response = await fetch(`${url}/api/v1/admin/nodes`, { headers: { authorization: `Bearer ${minted}` } });
    expect(response.status).toBe(200);

    const plain = await runCli(['token', '--room', ROOM, '--identity', 'carol']);
    expect({ status: plain.status, stderr: plain.stderr }).toEqual({ status: 0, stderr: '' });
    expect(plain.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  test('token outside local mode is a usage error', async () => {
    const result = await runCli(['token', '--room', ROOM, '--identity', 'carol'], { CLUSTER_MODE: 'production' });

    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--token');
  });

  test('unknown room exits 3', async () => {
    const result = await sfuctl('room', 'no-such-room');

    expect(result.status).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('ROOM_NOT_FOUND');
  });

  test('bad token exits 4', async () => {
    const forged = await signToken('not-the-cluster-secret-but-long-enough', { room: '*', identity: 'mallory', grants: { admin: true } });
    const bad = await runCli(['nodes', '--url', url, '--token', forged]);
    expect(bad.status).toBe(4);
    expect(bad.stderr).toContain('UNAUTHORIZED');

    const fromEnv = await runCli(['nodes', '--url', url], { SFUCTL_TOKEN: 'not-a-jwt' });
    expect(fromEnv.status).toBe(4);
    expect(fromEnv.stderr).toContain('UNAUTHORIZED');
  });

  test('token without admin grant exits 4', async () => {
    const result = await runCli(['rooms', '--url', url, '--token', await token(ROOM, 'alice')]);

    expect(result.status).toBe(4);
    expect(result.stderr).toContain('FORBIDDEN');
  });

  test('bad usage exits 2', async () => {
    const cases: { args: string[]; message: string }[] = [
      { args: [], message: 'missing command' },
      { args: ['launch'], message: 'unknown command launch' },
      { args: ['room'], message: 'missing <room>' },
      { args: ['room', ROOM, 'extra'], message: 'unexpected argument extra' },
      { args: ['nodes', '--colour'], message: "Unknown option '--colour'" },
      { args: ['move', ROOM], message: 'missing --to <node>' },
      { args: ['drain', 'sfu-1', '--deadline', 'soon'], message: '--deadline soon is not a whole number' },
      { args: ['drain', 'sfu-1', '--cancel', '--migrate'], message: '--cancel takes neither' },
      { args: ['nodes', '--url', 'ftp://127.0.0.1'], message: 'must start with http://' },
    ];

    for (const { args, message } of cases) {
      const result = await runCli(args);
      expect({ args, status: result.status }).toEqual({ args, status: 2 });
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe('');
    }
  });

  test('unreachable node exits 1', async () => {
    const result = await runCli(['nodes', '--url', `http://127.0.0.1:${await freePort()}`]);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ECONNREFUSED');
  });

  test('help exits 0 and lists every command', async () => {
    const result = await runCli(['--help']);

    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    for (const name of ['nodes', 'rooms', 'room', 'peers', 'top', 'drain', 'move', 'token']) expect(result.stdout).toContain(`\n  ${name}`);
  });
});
