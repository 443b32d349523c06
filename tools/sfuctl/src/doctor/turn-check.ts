import { ConfigError, loadTurnConfig, type TurnConfig } from '@sfu-cluster/config';

import { fail, pass, warn, type CheckResult } from './check';

/**
 * MEDIASOUP_TURN_CREDENTIAL_TTL above which doctor warns, in seconds (one
 * day). Until it expires, a leaked credential lets anyone allocate relays
 * on the TURN server.
 */
export const LONG_TURN_CREDENTIAL_TTL_SECONDS = 24 * 3600;

const NAME = 'turn credentials';

const CREDENTIALS_FIX =
  "set MEDIASOUP_TURN_SECRET to the TURN server's static-auth-secret (coturn use-auth-secret), " +
  'or MEDIASOUP_TURN_USERNAME and MEDIASOUP_TURN_PASSWORD to a static TURN user';

/**
 * Checks which credentials clients get for the TURN servers: none set fails,
 * and a shared secret whose minted credentials live longer than a day warns.
 * Other MEDIASOUP_TURN_* problems are left to the STUN and TURN check.
 */
export function checkTurnCredentials(env: NodeJS.ProcessEnv): CheckResult[] {
  if (isBlank(env.MEDIASOUP_TURN_SERVER)) return [pass(NAME, 'no TURN server set, so clients get no TURN credentials')];
  if (isBlank(env.MEDIASOUP_TURN_PASSWORD) && isBlank(env.MEDIASOUP_TURN_SECRET)) {
    return [fail(NAME, 'MEDIASOUP_TURN_SERVER is set, but neither MEDIASOUP_TURN_PASSWORD nor MEDIASOUP_TURN_SECRET is', CREDENTIALS_FIX)];
  }

  let turn: TurnConfig;
  try {
    turn = loadTurnConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [];
    throw error;
  }

  if (turn.secret === undefined) return [pass(NAME, 'a static TURN user (MEDIASOUP_TURN_USERNAME and MEDIASOUP_TURN_PASSWORD)')];
  const ttl = turn.secret.credentialTtlSeconds;
  if (ttl > LONG_TURN_CREDENTIAL_TTL_SECONDS) {
    return [
      warn(
        NAME,
        `credentials minted from MEDIASOUP_TURN_SECRET stay valid for ${ttl} s, longer than ${LONG_TURN_CREDENTIAL_TTL_SECONDS} s`,
        'lower MEDIASOUP_TURN_CREDENTIAL_TTL, such as to the default 3600: clients get a fresh credential on each join, resume and move',
      ),
    ];
  }
  return [pass(NAME, `credentials minted from MEDIASOUP_TURN_SECRET, valid for ${ttl} s`)];
}

function isBlank(value: string | undefined): boolean {
  return value === undefined || value.trim() === '';
}
