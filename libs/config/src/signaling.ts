import { hostname } from 'node:os';

import { parseHttpUrl } from './addresses';
import { readCommon, redactUrl, type CommonConfig } from './common';
import { readIceConfig, type IceServerConfig } from './ice';
import { EnvReader } from './reader';
import type { TurnSecretConfig } from './turn';
import type { Env } from './variables';

export interface SignalingConfig extends CommonConfig {
  /** HS256 secret; undefined when tokens are checked against JWKS. */
  jwtSecret?: string;
  jwksUrl?: string;
  /** Handed to clients by media-config and join, as they are. */
  iceServers: IceServerConfig[];
  /** TURN servers for which media-config and join mint a credential per client; undefined without MEDIASOUP_TURN_SECRET. */
  turnSecret?: TurnSecretConfig;
  publicUrl: string;
  nodeId: string;
  /** Seconds a peer whose socket dropped keeps its media, waiting to resume. */
  resumeGraceSeconds: number;
  rpcTimeoutMs: number;
  /** Browser origins whose pages may call the admin API (CORS); local mode also allows every loopback origin. */
  consoleOrigins: string[];
  limits: SignalingLimits;
  /** Seconds an empty room waits for a peer before it closes. */
  roomEmptyTimeoutSeconds: number;
  /** Seconds after which a room ends; 0 for no limit. */
  roomMaxDurationSeconds: number;
}

/** Limits on what clients may do; each is enforced and tested at its edge. */
export interface SignalingLimits {
  maxPayloadBytes: number;
  eventsPerSecond: number;
  rateLimitAction: 'error' | 'disconnect';
  maxPeersPerRoom: number;
  maxProducersPerPeer: number;
  maxConsumersPerPeer: number;
  /** Minimum time between two keyframe requests a client makes for one consumer; one sooner is refused. */
  keyFrameRequestIntervalMs: number;
}

/**
 * Development secret for local mode, so `npm run token` and the local cluster
 * agree without set-up. Production mode refuses to start without a secret or
 * a JWKS URL, so this value never signs a production token.
 */
export const LOCAL_JWT_SECRET = 'sfu-cluster-local-development-secret';

/** Shortest JWT_SECRET production mode accepts, in characters. */
export const MIN_JWT_SECRET_LENGTH = 32;

const SIGNALING_DEFAULT_PORT = 3000;

/** Reads and validates a signaling node's configuration; throws ConfigError. */
export function loadSignalingConfig(env: Env = process.env): SignalingConfig {
  const reader = new EnvReader(env);
  const common = readCommon(reader, SIGNALING_DEFAULT_PORT);
  const local = common.mode === 'local';

  const jwksUrl = readJwksUrl(reader, local);
  const jwtSecret = readJwtSecret(reader, local, jwksUrl);

  const ice = readIceConfig(reader, local);

  const config: SignalingConfig = {
    ...common,
    jwtSecret,
    jwksUrl,
    iceServers: ice.iceServers,
    turnSecret: ice.turnSecret,
    publicUrl: readPublicUrl(reader, common.port),
    nodeId: reader.string('SIGNALING_NODE_ID', `${hostname()}-${process.pid}`),
    resumeGraceSeconds: reader.integer('SIGNALING_RESUME_GRACE', 15, 0, 3600),
    rpcTimeoutMs: reader.integer('SIGNALING_RPC_TIMEOUT', 5000, 100, 120_000),
    consoleOrigins: readConsoleOrigins(reader),
    roomEmptyTimeoutSeconds: reader.integer('ROOM_EMPTY_TIMEOUT', 300, 0, 7 * 24 * 3600),
    roomMaxDurationSeconds: reader.integer('ROOM_MAX_DURATION', 0, 0, 30 * 24 * 3600),
    limits: {
      maxPayloadBytes: reader.integer('SIGNALING_MAX_PAYLOAD_BYTES', 65_536, 1024, 16 * 1024 * 1024),
      eventsPerSecond: reader.integer('SIGNALING_EVENTS_PER_SECOND', 50, 1, 10_000),
      rateLimitAction: reader.oneOf('SIGNALING_RATE_LIMIT_ACTION', ['error', 'disconnect'] as const, 'error'),
      maxPeersPerRoom: reader.integer('ROOM_MAX_PEERS', 100, 1, 100_000),
      maxProducersPerPeer: reader.integer('PEER_MAX_PRODUCERS', 4, 0, 100),
      maxConsumersPerPeer: reader.integer('PEER_MAX_CONSUMERS', 300, 0, 100_000),
      keyFrameRequestIntervalMs: reader.integer('SIGNALING_KEYFRAME_REQUEST_INTERVAL_MS', 1000, 0, 60_000),
    },
  };

  reader.done();
  return config;
}

function readJwksUrl(reader: EnvReader, local: boolean): string | undefined {
  const value = reader.optionalString('JWT_JWKS_URL');
  if (value === undefined) return undefined;

  const url = parseHttpUrl(value);
  if (url === undefined) {
    reader.fail(
      `JWT_JWKS_URL=${redactUrl(value)} is not an http(s) URL; ` +
        'set it to the JWKS URL of your identity provider, such as https://auth.example.com/.well-known/jwks.json',
    );
  } else if (url.protocol !== 'https:' && !local) {
    reader.fail(
      `JWT_JWKS_URL=${redactUrl(value)} uses http; production mode fetches signing keys only over https, so use an https:// URL`,
    );
  }
  return value;
}

function readJwtSecret(reader: EnvReader, local: boolean, jwksUrl: string | undefined): string | undefined {
  const secret = reader.optionalString('JWT_SECRET');
  if (local) return secret ?? (jwksUrl === undefined ? LOCAL_JWT_SECRET : undefined);

  if (secret === undefined) {
    if (jwksUrl === undefined) {
      reader.fail(`JWT_SECRET is missing; set JWT_SECRET to a random string of ${MIN_JWT_SECRET_LENGTH}+ characters or set JWT_JWKS_URL`);
    }
    return undefined;
  }

  // Counts code points rather than UTF-16 units, as a person counts characters.
  const length = Array.from(secret).length;
  if (length < MIN_JWT_SECRET_LENGTH) {
    reader.fail(
      `JWT_SECRET is ${length} characters long; production mode requires ${MIN_JWT_SECRET_LENGTH}+, ` +
        'so set it to a longer random string, such as the output of "openssl rand -hex 32"',
    );
  }
  return secret;
}

function readConsoleOrigins(reader: EnvReader): string[] {
  const origins = reader.list('SIGNALING_CONSOLE_ORIGINS', []);
  for (const origin of origins) {
    if (parseHttpUrl(origin)?.origin !== origin) {
      reader.fail(`SIGNALING_CONSOLE_ORIGINS entry ${origin} is not an origin; write each as scheme://host[:port], such as https://console.example.com`);
    }
  }
  return origins;
}

function readPublicUrl(reader: EnvReader, port: number): string {
  const value = reader.string('SIGNALING_PUBLIC_URL', `http://localhost:${port}`);
  if (parseHttpUrl(value) === undefined) {
    reader.fail(
      `SIGNALING_PUBLIC_URL=${redactUrl(value)} is not an http(s) URL; ` +
        'set it to the URL clients reach signaling on, such as https://sfu.example.com',
    );
  }
  return value;
}
