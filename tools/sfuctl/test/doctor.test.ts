import { createSocket, type Socket } from 'node:dgram';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { freeMediaPortBase, startCluster, waitFor, workerBin, type LocalCluster } from '@sfu-cluster/testkit';

import { runCli, type CliResult } from './run-cli';

interface Check {
  name: string;
  status: 'pass' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}

describe('sfuctl doctor', () => {
  let cluster: LocalCluster;
  let scratch: string;
  let bin: string;

  /** The environment of an SFU node on this host, sharing node 1's media ports. */
  const healthyEnv = (): Record<string, string> => ({
    MEDIASOUP_WORKER_BIN: bin,
    MEDIASOUP_RTC_MIN_PORT: String(cluster.sfu[0]!.rtcMinPort),
    MEDIASOUP_RTC_MAX_PORT: String(cluster.sfu[0]!.rtcMaxPort),
  });

  const doctor = (env: Record<string, string>, ...args: string[]): Promise<CliResult> =>
    runCli(['doctor', '--json', '--url', cluster.signaling[0]!.url, ...args], env);

  const checksOf = (result: CliResult): Check[] => (JSON.parse(result.stdout) as { checks: Check[] }).checks;

  const failed = (result: CliResult): Check[] => checksOf(result).filter((check) => check.status === 'fail');

  beforeAll(async () => {
    cluster = await startCluster({ lifecyclePort: null, webPort: null, env: { LOG_LEVEL: 'warn' } });
    scratch = mkdtempSync(join(tmpdir(), 'sfuctl-doctor-'));
    bin = workerBin();
  }, 120_000);

  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await cluster?.stop();
  });

  test('healthy cluster passes every check', async () => {
    const result = await doctor(healthyEnv());

    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    const checks = checksOf(result);
    expect(checks.filter((check) => check.status !== 'pass')).toEqual([]);
    const names = checks.map((check) => check.name);
    for (const name of ['config', 'stun and turn', 'worker binary', 'signaling', 'redis', 'clock signaling', 'node sfu-1', 'node sfu-2', 'media-config']) {
      expect(names).toContain(name);
    }
    expect(checks.find((check) => check.name.startsWith('port udp'))?.detail).toContain('mediasoup-worker');

    const table = await runCli(['doctor', '--url', cluster.signaling[0]!.url], healthyEnv());
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^PASS {2}worker binary/m);
    expect(table.stdout).toMatch(/ 0 warnings, 0 failed\n$/);
  });

  test('missing worker binary fails with the fix', async () => {
    const result = await doctor({ ...healthyEnv(), MEDIASOUP_WORKER_BIN: join(scratch, 'no-such-worker') });

    expect(result.status).toBe(1);
    const [check, ...others] = failed(result);
    expect(others).toEqual([]);
    expect(check?.name).toBe('worker binary');
    expect(check?.detail).toContain('ENOENT');
    expect(check?.fix).toContain('npm run worker:build');
  });

  test('dying worker binary fails with its status', async () => {
    const dying = join(scratch, 'dying-worker');
    writeFileSync(dying, '#!/bin/sh\necho "error while loading shared libraries: libsrtp2.so.1" >&2\nexit 127\n');
    chmodSync(dying, 0o755);

    const result = await doctor({ ...healthyEnv(), MEDIASOUP_WORKER_BIN: dying });

    expect(result.status).toBe(1);
    const check = failed(result).find((entry) => entry.name === 'worker binary');
    expect(check?.detail).toContain('exited with status 127');
    expect(check?.detail).toContain('libsrtp2');
    expect(check?.fix).toContain('npm run worker:build');
  });

  test('missing announced IP fails outside local mode', async () => {
    const admin = await signToken(LOCAL_JWT_SECRET, { room: '*', identity: 'doctor-test', grants: { admin: true } });
    const env = { ...healthyEnv(), CLUSTER_MODE: 'production', REDIS_URL: cluster.redisUrl };

    const result = await doctor(env, '--token', admin);

    expect(result.status).toBe(1);
    const problems = failed(result).filter((check) => check.name === 'config');
    expect(problems.some((check) => check.detail.includes('MEDIASOUP_ANNOUNCED_IP'))).toBe(true);
    expect(checksOf(result).find((check) => check.name === 'media-config')?.status).toBe('warn');
  });

  test('port taken by another process fails', async () => {
    const base = await freeMediaPortBase(100);
    const socket: Socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(base, '127.0.0.1', resolve));

    try {
      const result = await doctor({ ...healthyEnv(), MEDIASOUP_RTC_MIN_PORT: String(base), MEDIASOUP_RTC_MAX_PORT: String(base + 99) });

      expect(result.status).toBe(1);
      const [check, ...others] = failed(result);
      expect(others).toEqual([]);
      expect(check?.name).toBe(`port udp ${base}`);
      expect(check?.detail).toContain(`pid ${process.pid}`);
      expect(check?.fix).toContain('MEDIASOUP_RTC_MIN_PORT');
    } finally {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    }
  });

  test('node down fails its node check', async () => {
    const down = cluster.sfu[1]!;
    down.process.kill('SIGKILL');
    const admin = await signToken(LOCAL_JWT_SECRET, { room: '*', identity: 'doctor-test', grants: { admin: true } });
    await waitFor(
      `${down.nodeId} listed as lost`,
      async () => {
        const response = await fetch(`${cluster.signaling[0]!.url}/api/v1/admin/nodes`, { headers: { authorization: `Bearer ${admin}` } });
        return ((await response.json()) as { lost: string[] }).lost.includes(down.nodeId);
      },
      10_000,
    );

    const result = await doctor(healthyEnv());

    expect(result.status).toBe(1);
    const [check, ...others] = failed(result);
    expect(others).toEqual([]);
    expect(check?.name).toBe(`node ${down.nodeId}`);
    expect(check?.detail).toContain('lost');
  });
});
