import { isIP } from 'node:net';

import { isHostName } from './addresses';
import { EnvReader } from './reader';
import type { VariableName } from './variables';

export interface IceServerConfig {
  urls: string[];
  username?: string;
  credential?: string;
}

/** The single-server checklist's STUN default, for production mode only. */
export const PRODUCTION_STUN_SERVERS = ['stun:stun.l.google.com:19302', 'stun:stun1.l.google.com:19302'];

// Splits scheme:host[:port][?query], with an IPv6 host in brackets. STUN URLs take no query,
// and TURN URLs take only ?transport=udp or ?transport=tcp.
const ICE_URL = /^([a-z]+):(\[[^\]]*\]|[^:?[\]]+)(?::(\d+))?(\?.*)?$/;

type IceUrlKind = 'STUN' | 'TURN';

const SCHEMES: Record<IceUrlKind, readonly string[]> = { STUN: ['stun', 'stuns'], TURN: ['turn', 'turns'] };

const EXAMPLES: Record<IceUrlKind, string> = { STUN: 'stun:host:port', TURN: 'turn:host:3478 or turns:host:5349' };

/** Reads the STUN and TURN servers handed to clients, as one entry of STUN URLs followed by one of TURN URLs. */
export function readIceServers(reader: EnvReader, local: boolean): IceServerConfig[] {
  const servers: IceServerConfig[] = [];

  const stun = reader.list('MEDIASOUP_STUN_SERVERS', local ? [] : PRODUCTION_STUN_SERVERS);
  for (const url of stun) checkIceUrl(reader, 'MEDIASOUP_STUN_SERVERS', url, 'STUN');
  if (stun.length > 0) servers.push({ urls: stun });

  const turn = readTurnServer(reader);
  if (turn !== undefined) servers.push(turn);
  return servers;
}

/** Reads MEDIASOUP_TURN_SERVER as a list of TURN URLs that share one username and password. */
function readTurnServer(reader: EnvReader): IceServerConfig | undefined {
  const urls = reader.list('MEDIASOUP_TURN_SERVER', []);
  if (urls.length === 0) {
    rejectCredentialsWithoutServer(reader);
    return undefined;
  }

  for (const url of urls) checkIceUrl(reader, 'MEDIASOUP_TURN_SERVER', url, 'TURN');
  const username = reader.required('MEDIASOUP_TURN_USERNAME', 'set it to the TURN user, or unset MEDIASOUP_TURN_SERVER');
  const credential = reader.required('MEDIASOUP_TURN_PASSWORD', 'set it to the TURN password, or unset MEDIASOUP_TURN_SERVER');
  return { urls, username, credential };
}

function rejectCredentialsWithoutServer(reader: EnvReader): void {
  for (const name of ['MEDIASOUP_TURN_USERNAME', 'MEDIASOUP_TURN_PASSWORD'] as const) {
    if (reader.raw(name) !== undefined) {
      reader.fail(`${name} is set without MEDIASOUP_TURN_SERVER; set MEDIASOUP_TURN_SERVER to the TURN URL, or unset ${name}`);
    }
  }
}

function checkIceUrl(reader: EnvReader, name: VariableName, url: string, kind: IceUrlKind): void {
  const match = ICE_URL.exec(url);
  const [, scheme = '', host = '', port, query] = match ?? [];
  if (match === null || !SCHEMES[kind].includes(scheme) || !isIceHost(host)) {
    reader.fail(`${name} entry "${url}" is not a ${kind} URL; write it as ${EXAMPLES[kind]}`);
    return;
  }

  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    reader.fail(`${name} entry "${url}" has port ${port}; set a port from 1 to 65535, or leave the port out`);
  }

  if (query === undefined) return;
  if (kind === 'STUN') {
    reader.fail(`${name} entry "${url}" has a query, which STUN URLs do not take; remove "${query}"`);
  } else if (query !== '?transport=udp' && query !== '?transport=tcp') {
    reader.fail(`${name} entry "${url}" has query "${query}"; a TURN URL takes only ?transport=udp or ?transport=tcp`);
  }
}

function isIceHost(host: string): boolean {
  if (host.startsWith('[')) return isIP(host.slice(1, -1)) === 6;
  return isIP(host) === 4 || isHostName(host);
}
