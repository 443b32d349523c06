import {
  DEFAULT_TURN_CREDENTIAL_TTL_SECONDS,
  loadSignalingConfig,
  MAX_TURN_CREDENTIAL_TTL_SECONDS,
  MIN_TURN_CREDENTIAL_TTL_SECONDS,
} from '@sfu-cluster/config';

import { problemsOf } from './problems';

const signalingLocal = { CLUSTER_MODE: 'local' };
const TURN_URL = 'turn:turn.example.com:3478?transport=udp';
const withSecret = { ...signalingLocal, MEDIASOUP_TURN_SERVER: TURN_URL, MEDIASOUP_TURN_SECRET: 'coturn-static-auth-secret' };

describe('MEDIASOUP_TURN_SECRET', () => {
  test('moves the TURN URLs out of the static ICE servers', () => {
    const config = loadSignalingConfig({ ...withSecret, MEDIASOUP_STUN_SERVERS: 'stun:stun.example.com:3478' });

    expect(config.iceServers).toEqual([{ urls: ['stun:stun.example.com:3478'] }]);
    expect(config.turnSecret).toEqual({
      urls: [TURN_URL],
      secret: 'coturn-static-auth-secret',
      credentialTtlSeconds: DEFAULT_TURN_CREDENTIAL_TTL_SECONDS,
    });
  });

  test('static credentials leave turnSecret unset', () => {
    const env = { ...signalingLocal, MEDIASOUP_TURN_SERVER: TURN_URL, MEDIASOUP_TURN_USERNAME: 'user', MEDIASOUP_TURN_PASSWORD: 'pass' };

    const config = loadSignalingConfig(env);

    expect(config.turnSecret).toBeUndefined();
    expect(config.iceServers).toEqual([{ urls: [TURN_URL], username: 'user', credential: 'pass' }]);
  });

  test('rejects a secret together with a password', () => {
    const problems = problemsOf(() => loadSignalingConfig({ ...withSecret, MEDIASOUP_TURN_PASSWORD: 'pass' }));

    expect(problems).toEqual([
      expect.stringMatching(/^MEDIASOUP_TURN_SECRET and MEDIASOUP_TURN_PASSWORD are both set; keep one/),
    ]);
  });

  test('rejects a secret together with a username', () => {
    const problems = problemsOf(() => loadSignalingConfig({ ...withSecret, MEDIASOUP_TURN_USERNAME: 'user' }));

    expect(problems).toEqual([expect.stringMatching(/^MEDIASOUP_TURN_USERNAME is set with MEDIASOUP_TURN_SECRET/)]);
  });

  test('never puts the secret or password in a message', () => {
    const env = { ...withSecret, MEDIASOUP_TURN_USERNAME: 'user', MEDIASOUP_TURN_PASSWORD: 'hunter2', MEDIASOUP_TURN_CREDENTIAL_TTL: '1' };

    const problems = problemsOf(() => loadSignalingConfig(env));

    expect(problems).toHaveLength(3);
    for (const problem of problems) {
      expect(problem).not.toContain('coturn-static-auth-secret');
      expect(problem).not.toContain('hunter2');
    }
  });

  test('rejects a secret without a server', () => {
    const problems = problemsOf(() => loadSignalingConfig({ ...signalingLocal, MEDIASOUP_TURN_SECRET: 'secret' }));

    expect(problems).toEqual([
      'MEDIASOUP_TURN_SECRET is set without MEDIASOUP_TURN_SERVER; set MEDIASOUP_TURN_SERVER to the TURN URL, or unset MEDIASOUP_TURN_SECRET',
    ]);
  });

  test('without a secret the server needs a username and password', () => {
    const problems = problemsOf(() => loadSignalingConfig({ ...signalingLocal, MEDIASOUP_TURN_SERVER: TURN_URL }));

    expect(problems).toEqual([
      expect.stringMatching(/^MEDIASOUP_TURN_USERNAME is missing; .* or set MEDIASOUP_TURN_SECRET/),
      expect.stringMatching(/^MEDIASOUP_TURN_PASSWORD is missing; .* or set MEDIASOUP_TURN_SECRET/),
    ]);
  });

  test('checks each TURN URL in secret mode too', () => {
    const problems = problemsOf(() => loadSignalingConfig({ ...withSecret, MEDIASOUP_TURN_SERVER: 'turn.example.com:3478' }));

    expect(problems).toEqual([expect.stringMatching(/^MEDIASOUP_TURN_SERVER entry "turn.example.com:3478" is not a TURN URL/)]);
  });
});

describe('MEDIASOUP_TURN_CREDENTIAL_TTL', () => {
  test.each([MIN_TURN_CREDENTIAL_TTL_SECONDS, MAX_TURN_CREDENTIAL_TTL_SECONDS])('accepts %i at the edge', (ttl) => {
    const config = loadSignalingConfig({ ...withSecret, MEDIASOUP_TURN_CREDENTIAL_TTL: String(ttl) });

    expect(config.turnSecret?.credentialTtlSeconds).toBe(ttl);
  });

  test.each([MIN_TURN_CREDENTIAL_TTL_SECONDS - 1, MAX_TURN_CREDENTIAL_TTL_SECONDS + 1, 0, -5])('rejects %i', (ttl) => {
    const problems = problemsOf(() => loadSignalingConfig({ ...withSecret, MEDIASOUP_TURN_CREDENTIAL_TTL: String(ttl) }));

    expect(problems).toEqual([
      `MEDIASOUP_TURN_CREDENTIAL_TTL=${ttl} is out of range; set it to an integer from ${MIN_TURN_CREDENTIAL_TTL_SECONDS} to ${MAX_TURN_CREDENTIAL_TTL_SECONDS}`,
    ]);
  });

  test('rejects a value that is not a whole number', () => {
    const problems = problemsOf(() => loadSignalingConfig({ ...withSecret, MEDIASOUP_TURN_CREDENTIAL_TTL: '1h' }));

    expect(problems).toEqual([expect.stringMatching(/^MEDIASOUP_TURN_CREDENTIAL_TTL=1h is not a whole number/)]);
  });

  test('rejects a TTL with a static user', () => {
    const env = {
      ...signalingLocal,
      MEDIASOUP_TURN_SERVER: TURN_URL,
      MEDIASOUP_TURN_USERNAME: 'user',
      MEDIASOUP_TURN_PASSWORD: 'pass',
      MEDIASOUP_TURN_CREDENTIAL_TTL: '600',
    };

    const problems = problemsOf(() => loadSignalingConfig(env));

    expect(problems).toEqual([expect.stringMatching(/^MEDIASOUP_TURN_CREDENTIAL_TTL is set without MEDIASOUP_TURN_SECRET/)]);
  });
});
