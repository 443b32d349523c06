import { ManagedProcess, serviceEntry } from '@sfu-cluster/testkit';

/** Starts an SFU node with env on top of local mode and waits for it to exit. */
async function startSfu(env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  const node = new ManagedProcess({
    name: 'sfu',
    command: process.execPath,
    args: [serviceEntry('sfu')],
    env: { PATH: process.env.PATH, CLUSTER_MODE: 'local', MEDIASOUP_WORKER_BIN: '/bin/true', ...env },
  });
  node.start();
  const status = await node.waitForExit(10_000);
  return { code: status.code, lines: node.lines };
}

describe('sfu start-up', () => {
  test('min port above max port exits with one line', async () => {
    const { code, lines } = await startSfu({ MEDIASOUP_RTC_MIN_PORT: '50000', MEDIASOUP_RTC_MAX_PORT: '49999' });

    expect(code).not.toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/MEDIASOUP_RTC_MIN_PORT=50000 is above MEDIASOUP_RTC_MAX_PORT=49999/);
  });

  test('a port that is not a number exits with one line', async () => {
    const { code, lines } = await startSfu({ MEDIASOUP_RTC_MAX_PORT: 'forty-nine' });

    expect(code).not.toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/MEDIASOUP_RTC_MAX_PORT=forty-nine is not a whole number/);
  });

  test('missing announced IP in production exits with one line', async () => {
    const { code, lines } = await startSfu({ CLUSTER_MODE: 'production', REDIS_URL: 'redis://127.0.0.1:1' });

    expect(code).not.toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/MEDIASOUP_ANNOUNCED_IP is missing/);
  });

  test('a worker binary that cannot run exits with the fix', async () => {
    const { code, lines } = await startSfu({ MEDIASOUP_WORKER_BIN: '/nonexistent/mediasoup-worker' });

    expect(code).toBe(1);
    expect(lines.join('\n')).toMatch(/could not start the mediasoup workers; check that MEDIASOUP_WORKER_BIN runs/);
  });
});
