import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  isProcessAlive,
  isTcpPortFree,
  isUdpPortFree,
  ManagedProcess,
  repoRoot,
  startCluster,
  startRedis,
  waitFor,
  type RedisServer,
} from '@sfu-cluster/testkit';

/** Lists every process below pid, read from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces; the parent pid follows its closing parenthesis.
      const stat = readFileSync(join('/proc', entry, 'stat'), 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process exited while being read.
    }
  }

  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

async function health(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/api/v1/health`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('startCluster', () => {
  test('every process answers health with its node id and Redis status', async () => {
    const cluster = await startCluster();

    try {
      for (const node of cluster.signaling) {
        const { status, body } = await health(node.url);
        expect(status).toBe(200);
        expect(body).toEqual(expect.objectContaining({ service: 'signaling', redis: 'up', nodeId: expect.any(String) }));
      }
      const ids = await Promise.all(cluster.sfu.map(async (node) => (await health(node.url)).body.nodeId));
      expect(ids).toEqual(['sfu-1', 'sfu-2']);
      expect((await health(cluster.lifecycle!.url)).body).toEqual(expect.objectContaining({ redis: 'up' }));
      expect((await health(cluster.web!.url)).status).toBe(200);
    } finally {
      await cluster.stop();
    }
  });
});

describe('npm start launcher', () => {
  const ports = [3000, 3001, 3100, 3101, 3200, 8080];
  let redis: RedisServer;

  beforeAll(async () => {
    for (const port of ports) {
      if (!(await isTcpPortFree(port))) throw new Error(`port ${port} is in use; stop the local cluster before this test`);
    }
    redis = await startRedis();
  });

  afterAll(() => redis.stop());

  test('Ctrl-C leaves no child process and no bound port', async () => {
    const launcher = new ManagedProcess({
      name: 'launcher',
      command: process.execPath,
      args: [join(repoRoot, 'infra', 'local', 'start.mjs')],
      env: { ...process.env, REDIS_URL: redis.url },
    });
    launcher.start();

    try {
      await launcher.waitForLine(/local cluster is up/, 120_000);
      expect(launcher.lines).toEqual(expect.arrayContaining([expect.stringMatching(/^signaling-1 +http:\/\/127\.0\.0\.1:3000$/)]));
      for (const port of [3000, 3001]) expect((await health(`http://127.0.0.1:${port}`)).body.redis).toBe('up');
      const children = descendants(launcher.pid);
      // Two signaling, two SFU (each with a mediasoup worker), lifecycle, web.
      expect(children.length).toBeGreaterThanOrEqual(8);

      // A terminal's Ctrl-C sends SIGINT to the foreground process group.
      launcher.kill('SIGINT', { group: true });
      const status = await launcher.waitForExit(30_000);

      expect(status.code).toBe(0);
      await waitFor('every child to exit', () => children.every((pid) => !isProcessAlive(pid)), 5_000);
      for (const port of ports) expect(await isTcpPortFree(port)).toBe(true);
      for (const port of [40000, 45000]) expect(await isUdpPortFree(port)).toBe(true);
    } finally {
      await launcher.stop();
    }
  });
});
