import { checkIceUrl } from './ice-url';
import { EnvReader } from './reader';
import { readTurn, type TurnSecretConfig } from './turn';

export interface IceServerConfig {
  urls: string[];
  username?: string;
  credential?: string;
}

/** The single-server checklist's STUN default, for production mode only. */
export const PRODUCTION_STUN_SERVERS = ['stun:stun.l.google.com:19302', 'stun:stun1.l.google.com:19302'];

export interface IceConfig {
  /** Servers handed to clients as they are: one entry of STUN URLs, then one of TURN URLs with a static user. */
  iceServers: IceServerConfig[];
  /** TURN servers whose credentials signaling mints per client from a shared secret, instead of a static user. */
  turnSecret?: TurnSecretConfig;
}

/** Reads the STUN and TURN servers handed to clients. */
export function readIceConfig(reader: EnvReader, local: boolean): IceConfig {
  const iceServers: IceServerConfig[] = [];

  const stun = reader.list('MEDIASOUP_STUN_SERVERS', local ? [] : PRODUCTION_STUN_SERVERS);
  for (const url of stun) checkIceUrl(reader, 'MEDIASOUP_STUN_SERVERS', url, 'STUN');
  if (stun.length > 0) iceServers.push({ urls: stun });

  const turn = readTurn(reader);
  if (turn.staticServer !== undefined) iceServers.push(turn.staticServer);
  return { iceServers, turnSecret: turn.secret };
}
