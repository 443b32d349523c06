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
