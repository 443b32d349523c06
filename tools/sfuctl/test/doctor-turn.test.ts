import { MAX_TURN_CREDENTIAL_TTL_SECONDS } from '@sfu-cluster/config';

import { checkIceServers } from '../src/doctor/local-checks';
import { checkTurnCredentials, LONG_TURN_CREDENTIAL_TTL_SECONDS } from '../src/doctor/turn-check';

const local = { CLUSTER_MODE: 'local' };
const server = { ...local, MEDIASOUP_TURN_SERVER: 'turn:turn.example.com:3478' };
const SECRET = 'doctor-test-static-auth-secret';

describe('doctor turn credentials', () => {
  test('no TURN server passes', () => {
    const [check, ...others] = checkTurnCredentials(local);

    expect(others).toEqual([]);
    expect(check?.status).toBe('pass');
  });

  test('static user passes', () => {
    const [check] = checkTurnCredentials({ ...server, MEDIASOUP_TURN_USERNAME: 'user', MEDIASOUP_TURN_PASSWORD: 'pass' });

    expect(check?.status).toBe('pass');
    expect(check?.detail).toContain('static TURN user');
  });

  test('secret passes with its TTL', () => {
    const [check] = checkTurnCredentials({ ...server, MEDIASOUP_TURN_SECRET: SECRET });

    expect(check?.status).toBe('pass');
    expect(check?.detail).toBe('credentials minted from MEDIASOUP_TURN_SECRET, valid for 3600 s');
  });

  test('TTL of one day still passes', () => {
    const env = { ...server, MEDIASOUP_TURN_SECRET: SECRET, MEDIASOUP_TURN_CREDENTIAL_TTL: String(LONG_TURN_CREDENTIAL_TTL_SECONDS) };

    expect(checkTurnCredentials(env)[0]?.status).toBe('pass');
  });

  test.each([LONG_TURN_CREDENTIAL_TTL_SECONDS + 1, MAX_TURN_CREDENTIAL_TTL_SECONDS])('TTL of %i s warns', (ttl) => {
    const [check] = checkTurnCredentials({ ...server, MEDIASOUP_TURN_SECRET: SECRET, MEDIASOUP_TURN_CREDENTIAL_TTL: String(ttl) });

    expect(check?.status).toBe('warn');
    expect(check?.detail).toContain(`${ttl} s`);
    expect(check?.fix).toContain('MEDIASOUP_TURN_CREDENTIAL_TTL');
  });

  test('server without password or secret fails', () => {
    const env = { ...server, MEDIASOUP_TURN_USERNAME: 'user' };

    const turn = checkTurnCredentials(env);
    const ice = checkIceServers(env);

    expect(turn).toHaveLength(1);
    expect(turn[0]?.status).toBe('fail');
    expect(turn[0]?.detail).toBe('MEDIASOUP_TURN_SERVER is set, but neither MEDIASOUP_TURN_PASSWORD nor MEDIASOUP_TURN_SECRET is');
    expect(turn[0]?.fix).toContain('MEDIASOUP_TURN_SECRET');
    expect(ice.map((check) => check.status)).toEqual(['pass']);
  });

  test('password without username fails in the ICE check', () => {
    const env = { ...server, MEDIASOUP_TURN_PASSWORD: 'pass' };

    const ice = checkIceServers(env);

    expect(ice).toEqual([expect.objectContaining({ status: 'fail', detail: expect.stringMatching(/^MEDIASOUP_TURN_USERNAME is missing/) })]);
    expect(checkTurnCredentials(env)).toEqual([]);
  });

  test('secret with password fails without the secret', () => {
    const env = { ...server, MEDIASOUP_TURN_SECRET: SECRET, MEDIASOUP_TURN_PASSWORD: 'hunter2' };

    const ice = checkIceServers(env);

    expect(ice).toHaveLength(1);
    expect(ice[0]?.status).toBe('fail');
    expect(ice[0]?.detail).toMatch(/^MEDIASOUP_TURN_SECRET and MEDIASOUP_TURN_PASSWORD are both set/);
    expect(JSON.stringify([...ice, ...checkTurnCredentials(env)])).not.toMatch(new RegExp(`${SECRET}|hunter2`));
  });
});
