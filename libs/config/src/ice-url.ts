import { isIP } from 'node:net';

import { isHostName } from './addresses';
import type { EnvReader } from './reader';
import type { VariableName } from './variables';

// Splits scheme:host[:port][?query], with an IPv6 host in brackets. STUN URLs take no query,
// and TURN URLs take only ?transport=udp or ?transport=tcp.
const ICE_URL = /^([a-z]+):(\[[^\]]*\]|[^:?[\]]+)(?::(\d+))?(\?.*)?$/;

export type IceUrlKind = 'STUN' | 'TURN';

const SCHEMES: Record<IceUrlKind, readonly string[]> = { STUN: ['stun', 'stuns'], TURN: ['turn', 'turns'] };

const EXAMPLES: Record<IceUrlKind, string> = { STUN: 'stun:host:port', TURN: 'turn:host:3478 or turns:host:5349' };

export function checkIceUrl(reader: EnvReader, name: VariableName, url: string, kind: IceUrlKind): void {
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
