import { loadSfuConfig, loadSignalingConfig, PRODUCTION_STUN_SERVERS } from '@sfu-cluster/config';

import { problemsOf } from './problems';

const WORKER_BIN = '/usr/local/bin/mediasoup-worker';
const local = { CLUSTER_MODE: 'local', MEDIASOUP_WORKER_BIN: WORKER_BIN };
const production = {
  CLUSTER_MODE: 'production',
  MEDIASOUP_WORKER_BIN: WORKER_BIN,
  MEDIASOUP_ANNOUNCED_IP: '203.0.113.7',
  REDIS_URL: 'redis://redis:6379',
  JWT_SECRET: 'a-secret-of-enough-length-for-tests',
};

describe('loadSfuConfig', () => {
  test('keeps the checklist defaults', () => {
    const config = loadSfuConfig(production);

    expect(config.rtcMinPort).toBe(40000);
    expect(config.rtcMaxPort).toBe(49999);
    expect(config.mediasoupLogLevel).toBe('warn');
    expect(config.announcedIp).toBe('203.0.113.7');
  });

  test('local mode defaults to one worker on 127.0.0.1', () => {
    const config = loadSfuConfig(local);

    expect(config.workerNum).toBe(1);
    expect(config.announcedIp).toBe('127.0.0.1');
    expect(config.listenIp).toBe('127.0.0.1');
    expect(config.pipeIp).toBe('127.0.0.1');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
  });

  test('min port above max port names both variables', () => {
    const problems = problemsOf(() =>
      loadSfuConfig({ ...local, MEDIASOUP_RTC_MIN_PORT: '50000', MEDIASOUP_RTC_MAX_PORT: '49999' }),
    );

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^MEDIASOUP_RTC_MIN_PORT=50000 is above MEDIASOUP_RTC_MAX_PORT=49999/);
  });

  test.each([
    ['abc', /MEDIASOUP_RTC_MIN_PORT=abc is not a whole number/],
    ['40000.5', /MEDIASOUP_RTC_MIN_PORT=40000.5 is not a whole number/],
    ['0', /MEDIASOUP_RTC_MIN_PORT=0 is out of range/],
    ['70000', /MEDIASOUP_RTC_MIN_PORT=70000 is out of range/],
  ])('rejects port %s', (value, message) => {
    const problems = problemsOf(() => loadSfuConfig({ ...local, MEDIASOUP_RTC_MIN_PORT: value }));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  test('rejects a range smaller than the workers need', () => {
    const env = { ...local, MEDIASOUP_WORKER_NUM: '4', MEDIASOUP_RTC_MIN_PORT: '40000', MEDIASOUP_RTC_MAX_PORT: '40006' };

    const problems = problemsOf(() => loadSfuConfig(env));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/holds 7 ports but 4 workers need at least 8/);
  });

  test('accepts a range exactly as large as the workers need', () => {
    const env = { ...local, MEDIASOUP_WORKER_NUM: '4', MEDIASOUP_RTC_MIN_PORT: '40000', MEDIASOUP_RTC_MAX_PORT: '40007' };

    expect(loadSfuConfig(env).rtcMaxPort).toBe(40007);
  });

  test('requires MEDIASOUP_ANNOUNCED_IP in production', () => {
    const { MEDIASOUP_ANNOUNCED_IP: _unused, ...env } = production;

    const problems = problemsOf(() => loadSfuConfig(env));

    expect(problems).toEqual([expect.stringMatching(/^MEDIASOUP_ANNOUNCED_IP is missing; set it to the server's public IP/)]);
  });

  test('rejects an announced address that is not an IP', () => {
    const problems = problemsOf(() => loadSfuConfig({ ...production, MEDIASOUP_ANNOUNCED_IP: 'YOUR_SERVER_PUBLIC_IP' }));

    expect(problems).toEqual([expect.stringMatching(/^MEDIASOUP_ANNOUNCED_IP=YOUR_SERVER_PUBLIC_IP is not an IP address/)]);
  });

  test('requires the worker binary', () => {
    const problems = problemsOf(() => loadSfuConfig({ CLUSTER_MODE: 'local' }));

    expect(problems).toEqual([expect.stringMatching(/^MEDIASOUP_WORKER_BIN is missing; build the worker/)]);
  });

  test('reports every wrong variable, one line each', () => {
    const env = { ...local, MEDIASOUP_WORKER_NUM: 'two', MEDIASOUP_LOG_LEVEL: 'loud', REDIS_URL: 'http://x' };

    const problems = problemsOf(() => loadSfuConfig(env));

    expect(problems).toHaveLength(3);
    for (const problem of problems) expect(problem).not.toContain('\n');
  });

  test('hides the Redis password in messages', () => {
    const problems = problemsOf(() => loadSfuConfig({ ...local, REDIS_URL: 'http://user:hunter2@redis:6379' }));

    expect(problems[0]).toContain('user:***@');
    expect(problems[0]).not.toContain('hunter2');
  });
});

describe('loadSignalingConfig', () => {
  test('local mode hands clients no ICE server', () => {
    expect(loadSignalingConfig({ CLUSTER_MODE: 'local' }).iceServers).toEqual([]);
  });

  test('production defaults to Google STUN', () => {
    expect(loadSignalingConfig(production).iceServers).toEqual([{ urls: PRODUCTION_STUN_SERVERS }]);
  });

  test('an empty STUN list means none', () => {
    expect(loadSignalingConfig({ ...production, MEDIASOUP_STUN_SERVERS: '' }).iceServers).toEqual([]);
  });

  test('TURN needs a username and a password', () => {
    const problems = problemsOf(() => loadSignalingConfig({ ...production, MEDIASOUP_TURN_SERVER: 'turn:turn.example.com:3478' }));

    expect(problems).toEqual([
      expect.stringMatching(/^MEDIASOUP_TURN_USERNAME is missing/),
      expect.stringMatching(/^MEDIASOUP_TURN_PASSWORD is missing/),
    ]);
  });

  test('TURN with credentials becomes an ICE server', () => {
    const env = {
      ...production,
      MEDIASOUP_STUN_SERVERS: '',
      MEDIASOUP_TURN_SERVER: 'turn:turn.example.com:3478',
      MEDIASOUP_TURN_USERNAME: 'user',
      MEDIASOUP_TURN_PASSWORD: 'pass',
    };

    expect(loadSignalingConfig(env).iceServers).toEqual([
      { urls: ['turn:turn.example.com:3478'], username: 'user', credential: 'pass' },
    ]);
  });

  test('rejects a STUN entry that is not a URL', () => {
    const problems = problemsOf(() => loadSignalingConfig({ ...production, MEDIASOUP_STUN_SERVERS: 'stun.l.google.com:19302' }));

    expect(problems).toEqual([expect.stringMatching(/entry "stun.l.google.com:19302" is not a STUN URL/)]);
  });

  test('production requires a token secret or JWKS URL', () => {
    const { JWT_SECRET: _unused, ...env } = production;

    expect(problemsOf(() => loadSignalingConfig(env))).toEqual([expect.stringMatching(/^JWT_SECRET is missing/)]);
  });
});
