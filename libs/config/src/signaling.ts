import { hostname } from 'node:os';

import { readCommon, type CommonConfig } from './common';
import { EnvReader } from './reader';
import type { Env } from './variables';

export interface IceServerConfig {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface SignalingConfig extends CommonConfig {
  /** HS256 secret; undefined when tokens are checked against JWKS. */
  jwtSecret?: string;
  jwksUrl?: string;
  /** Handed to clients by media-config and join. */
  iceServers: IceServerConfig[];
  publicUrl: string;
  nodeId: string;
  /** Seconds a peer whose socket dropped keeps its media, waiting to resume. */
  resumeGraceSeconds: number;
  rpcTimeoutMs: number;
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
}

/** The single-server checklist's STUN default, for production mode only. */
export const PRODUCTION_STUN_SERVERS = ['stun:stun.l.google.com:19302', 'stun:stun1.l.google.com:19302'];

/**
 * Development secret for local mode, so `npm run token` and the local cluster
 * agree without set-up. Production mode refuses to start without a secret or
 * a JWKS URL, so this value never signs a production token.
 */
export const LOCAL_JWT_SECRET = 'sfu-cluster-local-development-secret';

const SIGNALING_DEFAULT_PORT = 3000;

/** Reads and validates a signaling node's configuration; throws ConfigError. */
export function loadSignalingConfig(env: Env = process.env): SignalingConfig {
  const reader = new EnvReader(env);
  const common = readCommon(reader, SIGNALING_DEFAULT_PORT);
  const local = common.mode === 'local';

  const jwksUrl = reader.optionalString('JWT_JWKS_URL');
  let jwtSecret = reader.optionalString('JWT_SECRET');
  if (jwtSecret === undefined && jwksUrl === undefined) {
    if (local) {
      jwtSecret = LOCAL_JWT_SECRET;
    } else {
      reader.fail('JWT_SECRET is missing; set JWT_SECRET to a random string of 32+ characters or set JWT_JWKS_URL');
    }
  }

  const config: SignalingConfig = {
    ...common,
    jwtSecret,
    jwksUrl,
    iceServers: readIceServers(reader, local),
    publicUrl: reader.string('SIGNALING_PUBLIC_URL', `http://localhost:${common.port}`),
    nodeId: reader.string('SIGNALING_NODE_ID', `${hostname()}-${process.pid}`),
    resumeGraceSeconds: reader.integer('SIGNALING_RESUME_GRACE', 15, 0, 3600),
    rpcTimeoutMs: reader.integer('SIGNALING_RPC_TIMEOUT', 5000, 100, 120_000),
    roomEmptyTimeoutSeconds: reader.integer('ROOM_EMPTY_TIMEOUT', 300, 0, 7 * 24 * 3600),
    roomMaxDurationSeconds: reader.integer('ROOM_MAX_DURATION', 0, 0, 30 * 24 * 3600),
    limits: {
      maxPayloadBytes: reader.integer('SIGNALING_MAX_PAYLOAD_BYTES', 65_536, 1024, 16 * 1024 * 1024),
      eventsPerSecond: reader.integer('SIGNALING_EVENTS_PER_SECOND', 50, 1, 10_000),
      rateLimitAction: reader.oneOf('SIGNALING_RATE_LIMIT_ACTION', ['error', 'disconnect'] as const, 'error'),
      maxPeersPerRoom: reader.integer('ROOM_MAX_PEERS', 100, 1, 100_000),
      maxProducersPerPeer: reader.integer('PEER_MAX_PRODUCERS', 4, 0, 100),
      maxConsumersPerPeer: reader.integer('PEER_MAX_CONSUMERS', 300, 0, 100_000),
    },
  };

  reader.done();
  return config;
}

function readIceServers(reader: EnvReader, local: boolean): IceServerConfig[] {
  const servers: IceServerConfig[] = [];

  const stun = reader.list('MEDIASOUP_STUN_SERVERS', local ? [] : PRODUCTION_STUN_SERVERS);
  for (const url of stun) {
    if (!/^stuns?:[^\s]+$/.test(url)) {
      reader.fail(`MEDIASOUP_STUN_SERVERS entry "${url}" is not a STUN URL; write it as stun:host:port`);
    }
  }
  if (stun.length > 0) servers.push({ urls: stun });

  const turn = reader.optionalString('MEDIASOUP_TURN_SERVER');
  if (turn === undefined) return servers;

  if (!/^turns?:[^\s]+$/.test(turn)) {
    reader.fail(`MEDIASOUP_TURN_SERVER=${turn} is not a TURN URL; write it as turn:host:3478 or turns:host:5349`);
  }
  const username = reader.required('MEDIASOUP_TURN_USERNAME', 'set it to the TURN user, or unset MEDIASOUP_TURN_SERVER');
  const credential = reader.required('MEDIASOUP_TURN_PASSWORD', 'set it to the TURN password, or unset MEDIASOUP_TURN_SERVER');
  servers.push({ urls: [turn], username, credential });
  return servers;
}
