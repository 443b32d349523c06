import { readFileSync } from 'node:fs';

import type { SfuConfig } from '@sfu-cluster/config';

import { pass, warn, type CheckResult } from './check';

const PORT_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
const RESERVED_PORTS_FILE = '/proc/sys/net/ipv4/ip_local_reserved_ports';

/** Paths of the kernel settings; tests point them at their own files. */
export interface EphemeralPortFiles {
  portRange: string;
  reservedPorts: string;
}

/**
 * Warns when the RTC port range overlaps the kernel's ephemeral range and
 * the overlap is not reserved. Any outgoing connection on the host (Redis,
 * HTTP clients) may then take a port an SFU worker needs, and the worker
 * fails to start with EADDRINUSE at random.
 */
export function checkEphemeralOverlap(
  config: Pick<SfuConfig, 'rtcMinPort' | 'rtcMaxPort'>,
  files: EphemeralPortFiles = { portRange: PORT_RANGE_FILE, reservedPorts: RESERVED_PORTS_FILE },
): CheckResult {
  const name = 'ephemeral ports';
  const range = readPortRange(files.portRange);
  if (range === undefined) return warn(name, `cannot read ${files.portRange}; the overlap with the RTC range is unknown`);

  const first = Math.max(range.low, config.rtcMinPort);
  const last = Math.min(range.high, config.rtcMaxPort);
  if (first > last) {
    return pass(name, `RTC ports ${config.rtcMinPort}-${config.rtcMaxPort} are outside the ephemeral range ${range.low}-${range.high}`);
  }

  const reserved = readReservedPorts(files.reservedPorts);
  const unreserved = countUnreserved(first, last, reserved);
  if (unreserved === 0) {
    return pass(name, `RTC ports ${first}-${last} overlap the ephemeral range ${range.low}-${range.high} but are reserved`);
  }
  return warn(
    name,
    `${unreserved} RTC ports in ${first}-${last} are inside the ephemeral range ${range.low}-${range.high}; outgoing connections may take them`,
    `reserve them: sysctl -w net.ipv4.ip_local_reserved_ports=${config.rtcMinPort}-${config.rtcMaxPort} (persist it in /etc/sysctl.d/), or move the RTC range below ${range.low}`,
  );
}

function readPortRange(path: string): { low: number; high: number } | undefined {
  try {
    const [low, high] = readFileSync(path, 'utf8').trim().split(/\s+/).map(Number);
    if (!Number.isInteger(low) || !Number.isInteger(high)) return undefined;
    return { low: low as number, high: high as number };
  } catch {
    return undefined;
  }
}

/** Parses the kernel's list format, "8080,40000-49999", into ranges; unreadable means none reserved. */
function readReservedPorts(path: string): Array<[number, number]> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    return [];
  }
  if (text === '') return [];

  return text.split(',').map((entry) => {
    const [low, high = low] = entry.split('-').map(Number);
    return [low as number, high as number];
  });
}

function countUnreserved(first: number, last: number, reserved: Array<[number, number]>): number {
  let count = 0;
  for (let port = first; port <= last; port++) {
    if (!reserved.some(([low, high]) => port >= low && port <= high)) count++;
  }
  return count;
}
