import type { IceServerConfig } from './ice';
import { checkIceUrl } from './ice-url';
import { EnvReader } from './reader';
import type { Env } from './variables';

/**
 * TURN servers that check time-limited credentials against a shared secret:
 * the TURN REST API scheme that coturn implements with use-auth-secret and
 * static-auth-secret. Signaling mints one credential per client from it.
 */
export interface TurnSecretConfig {
  urls: string[];
  /** coturn's static-auth-secret; never logged or handed to clients. */
  secret: string;
  /** Seconds a minted credential stays valid for a new TURN allocation. */
  credentialTtlSeconds: number;
}

/** Default of MEDIASOUP_TURN_CREDENTIAL_TTL, in seconds. */
export const DEFAULT_TURN_CREDENTIAL_TTL_SECONDS = 3600;

/**
 * Shortest MEDIASOUP_TURN_CREDENTIAL_TTL, in seconds: a credential must
 * outlive the time from join to the ICE agent's allocation, plus the clock
 * difference between signaling and the TURN server.
 */
export const MIN_TURN_CREDENTIAL_TTL_SECONDS = 60;

/** Longest MEDIASOUP_TURN_CREDENTIAL_TTL, in seconds (7 days): a leaked credential is good until it expires. */
export const MAX_TURN_CREDENTIAL_TTL_SECONDS = 7 * 24 * 3600;

/** The TURN part of the ICE settings: an entry with a static user, or a shared secret, or neither. */
export interface TurnConfig {
  staticServer?: IceServerConfig;
  secret?: TurnSecretConfig;
}

/** Reads only the MEDIASOUP_TURN_* variables, as a signaling node does, for checks outside one; throws ConfigError. */
export function loadTurnConfig(env: Env): TurnConfig {
  const reader = new EnvReader(env);
  const turn = readTurn(reader);
  reader.done();
  return turn;
}

/**
 * Reads MEDIASOUP_TURN_SERVER as a list of TURN URLs that share one set of
 * credentials: the static MEDIASOUP_TURN_USERNAME and MEDIASOUP_TURN_PASSWORD,
 * or credentials minted from MEDIASOUP_TURN_SECRET.
 */
export function readTurn(reader: EnvReader): TurnConfig {
  const urls = reader.list('MEDIASOUP_TURN_SERVER', []);
  const ttlSeconds = reader.integer(
    'MEDIASOUP_TURN_CREDENTIAL_TTL',
    DEFAULT_TURN_CREDENTIAL_TTL_SECONDS,
    MIN_TURN_CREDENTIAL_TTL_SECONDS,
    MAX_TURN_CREDENTIAL_TTL_SECONDS,
  );
  if (urls.length === 0) {
    rejectCredentialsWithoutServer(reader);
    return {};
  }

  for (const url of urls) checkIceUrl(reader, 'MEDIASOUP_TURN_SERVER', url, 'TURN');
  const secret = reader.optionalString('MEDIASOUP_TURN_SECRET');
  if (secret !== undefined) {
    rejectStaticUserWithSecret(reader);
    return { secret: { urls, secret, credentialTtlSeconds: ttlSeconds } };
  }

  if (reader.raw('MEDIASOUP_TURN_CREDENTIAL_TTL') !== undefined) {
    reader.fail(
      'MEDIASOUP_TURN_CREDENTIAL_TTL is set without MEDIASOUP_TURN_SECRET; it applies only to credentials minted from a secret, ' +
        'so set MEDIASOUP_TURN_SECRET or unset MEDIASOUP_TURN_CREDENTIAL_TTL',
    );
  }
  const fix = 'or set MEDIASOUP_TURN_SECRET to mint time-limited credentials instead, or unset MEDIASOUP_TURN_SERVER';
  const username = reader.required('MEDIASOUP_TURN_USERNAME', `set it to the TURN user, ${fix}`);
  const credential = reader.required('MEDIASOUP_TURN_PASSWORD', `set it to the TURN password, ${fix}`);
  return { staticServer: { urls, username, credential } };
}

function rejectStaticUserWithSecret(reader: EnvReader): void {
  if (reader.raw('MEDIASOUP_TURN_PASSWORD') !== undefined) {
    reader.fail(
      'MEDIASOUP_TURN_SECRET and MEDIASOUP_TURN_PASSWORD are both set; keep one: MEDIASOUP_TURN_SECRET for time-limited credentials ' +
        '(coturn use-auth-secret), or MEDIASOUP_TURN_USERNAME and MEDIASOUP_TURN_PASSWORD for a static user',
    );
  }
  if (reader.raw('MEDIASOUP_TURN_USERNAME') !== undefined) {
    reader.fail(
      'MEDIASOUP_TURN_USERNAME is set with MEDIASOUP_TURN_SECRET; credentials minted from the secret carry their own ' +
        'username (expiry:identity), so unset MEDIASOUP_TURN_USERNAME',
    );
  }
}

function rejectCredentialsWithoutServer(reader: EnvReader): void {
  const names = ['MEDIASOUP_TURN_USERNAME', 'MEDIASOUP_TURN_PASSWORD', 'MEDIASOUP_TURN_SECRET', 'MEDIASOUP_TURN_CREDENTIAL_TTL'] as const;
  for (const name of names) {
    if (reader.raw(name) !== undefined) {
      reader.fail(`${name} is set without MEDIASOUP_TURN_SERVER; set MEDIASOUP_TURN_SERVER to the TURN URL, or unset ${name}`);
    }
  }
}
