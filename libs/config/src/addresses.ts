import { BlockList, isIP } from 'node:net';

// One DNS label: letters, digits and inner hyphens, at most 63 characters.
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`);

// 0.0.0.0 and :: in every spelling, IPv4-mapped ::ffff:0.0.0.0 included.
const unspecified = new BlockList();
unspecified.addAddress('0.0.0.0', 'ipv4');
unspecified.addAddress('::', 'ipv6');

/** Tells whether value is a DNS host name of letters, digits, dots and hyphens. */
export function isHostName(value: string): boolean {
  return value.length <= 253 && HOST_NAME.test(value);
}

/** Tells whether value is an unspecified address (0.0.0.0 or ::), which a socket can bind but no peer can send to. */
export function isUnspecifiedIp(value: string): boolean {
  const family = isIP(value);
  if (family === 0) return false;
  return unspecified.check(value, family === 4 ? 'ipv4' : 'ipv6');
}

/** Parses value as an http: or https: URL with a host; undefined when it is not one. */
export function parseHttpUrl(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }

  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.hostname === '') return undefined;
  return url;
}
