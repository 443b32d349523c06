import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

import { isProcessAlive } from '@sfu-cluster/testkit';

const execFileAsync = promisify(execFile);

/** Namespaces of this scenario are `sfuweak-<pid of the scenario process>`, so a leftover names the run that made it. */
const NAMESPACE_PREFIX = 'sfuweak-';
/** Veth names are at most 15 characters: `sfuw<pid>h` in the root namespace, `sfuw<pid>n` inside. */
const VETH_PREFIX = 'sfuw';
/** The veth pairs take /30 subnets of the private 10.231.0.0/16; freeSubnet skips one that an interface already has. */
const SUBNET_PREFIX = '10.231';
/** nftables table inside the namespace; a netdev table, so drops happen on the wire side of the veth. */
const TABLE = 'weak_network';

export type Direction = 'in' | 'out';
export type Protocol = 'udp' | 'tcp';

/** Packets the nftables counters saw on the namespace's veth, per protocol and direction (in = towards the browser); TCP only on media ports. */
export type PacketCounts = Record<`${Protocol}_${Direction}_${'dropped' | 'passed'}`, number>;

/** Media ports of the cluster, first to last: the SFU nodes' WebRtcServer and transport ports. */
export interface PortRange {
  first: number;
  last: number;
}

export interface LossyNamespace {
  name: string;
  /** Address of the root namespace's end of the veth pair; the cluster listens here. */
  hostAddress: string;
  /** Address of the namespace's end of the veth pair; the browser's only address besides loopback. */
  namespaceAddress: string;
  /**
   * Installs the nftables table that drops dropPercent of the media packets
   * in each direction at random: every UDP packet, and TCP packets to and
   * from mediaPorts (ICE over TCP). Other TCP, the page load and signaling, passes.
   */
  dropMedia(dropPercent: number, mediaPorts: PortRange): Promise<void>;
  /** Reads the nftables counters of dropped and passed packets. */
  packetCounts(): Promise<PacketCounts>;
  /** Deletes the namespace, which deletes both ends of the veth pair and the nftables table. */
  remove(): Promise<void>;
}

/**
 * Creates a network namespace joined to the root namespace by a veth pair,
 * with no loss until dropMedia. Needs root (ip netns, nft).
 */
export async function createLossyNamespace(): Promise<LossyNamespace> {
  const name = `${NAMESPACE_PREFIX}${process.pid}`;
  const hostVeth = `${VETH_PREFIX}${process.pid}h`;
  const namespaceVeth = `${VETH_PREFIX}${process.pid}n`;
  const subnet = await freeSubnet();
  const hostAddress = `${subnet}.1`;
  const namespaceAddress = `${subnet}.2`;
  const remove = async (): Promise<void> => {
    await ip(['netns', 'del', name]).catch(() => undefined);
    await ip(['link', 'del', hostVeth]).catch(() => undefined);
  };

  try {
    await ip(['netns', 'add', name]);
    await ip(['link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', namespaceVeth]);
    await ip(['link', 'set', namespaceVeth, 'netns', name]);
    await ip(['addr', 'add', `${hostAddress}/30`, 'dev', hostVeth]);
    await ip(['link', 'set', hostVeth, 'up']);

    // nsenter, not `ip -n`: iproute2 also makes / a slave mount when it switches namespace.
    await run('nsenter', [namespaceOption(name), 'ip', 'addr', 'add', `${namespaceAddress}/30`, 'dev', namespaceVeth]);
    await run('nsenter', [namespaceOption(name), 'ip', 'link', 'set', namespaceVeth, 'up']);
    await run('nsenter', [namespaceOption(name), 'ip', 'link', 'set', 'lo', 'up']);
  } catch (error) {
    await remove();
    throw error;
  }

  return {
    name,
    hostAddress,
    namespaceAddress,
    dropMedia: (dropPercent, mediaPorts) =>
      runWithInput('nsenter', [namespaceOption(name), 'nft', '-f', '-'], lossRules(namespaceVeth, dropPercent, mediaPorts)),
    packetCounts: () => readCounters(name),
    remove,
  };
}

/**
 * Deletes the namespaces and host-side veths that earlier runs of this
 * scenario left behind when they crashed: those whose pid no longer runs.
 * Returns the names it deleted.
 */
export async function removeLeftoverNamespaces(): Promise<string[]> {
  const removed: string[] = [];

  const namespaces = (await ip(['netns', 'list'])).split('\n').map((line) => line.split(' ')[0] ?? '');
  for (const name of namespaces) {
    const pid = Number(name.slice(NAMESPACE_PREFIX.length));
    if (!name.startsWith(NAMESPACE_PREFIX) || !Number.isInteger(pid) || isProcessAlive(pid)) continue;

    await ip(['netns', 'del', name]);
    removed.push(name);
  }

  const links = await ip(['-o', 'link', 'show']);
  for (const match of links.matchAll(new RegExp(`^\\d+: (${VETH_PREFIX}(\\d+)h)[@:]`, 'gm'))) {
    const [, link, pid] = match as unknown as [string, string, string];
    if (isProcessAlive(Number(pid))) continue;

    await ip(['link', 'del', link]).catch(() => undefined);
    removed.push(link);
  }
  return removed;
}

/**
 * Builds one counter per protocol, direction and verdict. numgen draws a
 * fresh random number for each packet, so each packet is dropped with the
 * given probability on its own (no bursts), once per direction.
 * NOTE: the drops sit in the netdev ingress and egress hooks of the
 * namespace's veth. A drop in the inet output hook would make the sender's
 * sendto() fail with EPERM, which a browser handles as a send error, not a loss.
 */
function lossRules(device: string, dropPercent: number, mediaPorts: PortRange): string {
  const counters: string[] = [];
  const chains = (['in', 'out'] as const).map((direction) => {
    const mediaPort = `tcp ${direction === 'in' ? 'sport' : 'dport'} ${mediaPorts.first}-${mediaPorts.last}`;
    const matches = { udp: 'meta l4proto udp', tcp: mediaPort };
    const rules = (['udp', 'tcp'] as const).flatMap((protocol) => {
      counters.push(`counter ${protocol}_${direction}_dropped {}`, `counter ${protocol}_${direction}_passed {}`);
      return [
        `${matches[protocol]} numgen random mod 100 < ${dropPercent} counter name ${protocol}_${direction}_dropped drop`,
        `${matches[protocol]} counter name ${protocol}_${direction}_passed`,
      ];
    });
    const hook = direction === 'in' ? 'ingress' : 'egress';
    return `chain ${hook} {\n type filter hook ${hook} device "${device}" priority 0; policy accept;\n ${rules.join('\n ')}\n}`;
  });
  return `table netdev ${TABLE} {\n${counters.join('\n')}\n${chains.join('\n')}\n}\n`;
}

async function readCounters(namespace: string): Promise<PacketCounts> {
  const output = await run('nsenter', [namespaceOption(namespace), 'nft', '-j', 'list', 'counters', 'table', 'netdev', TABLE]);
  const entries = (JSON.parse(output) as { nftables: Array<{ counter?: { name: string; packets: number } }> }).nftables;

  const counts: Record<string, number> = {};
  for (const entry of entries) {
    if (entry.counter !== undefined) counts[entry.counter.name] = entry.counter.packets;
  }
  return counts as PacketCounts;
}

/** Picks a 10.231.N.0/30 that no interface has an address in. N starts from the pid, so parallel runs rarely probe the same one. */
async function freeSubnet(): Promise<string> {
  const addresses = await ip(['-4', '-o', 'addr', 'show']);
  for (let step = 0; step < 256; step++) {
    const subnet = `${SUBNET_PREFIX}.${(process.pid + step) % 256}`;
    if (!addresses.includes(` ${subnet}.`)) return subnet;
  }
  throw new Error(`every ${SUBNET_PREFIX}.N.0/30 subnet is in use; delete leftover veths (ip -4 addr show)`);
}

/**
 * Returns the nsenter option that enters only the namespace's network. Unlike
 * `ip netns exec`, it needs no private mount namespace, which fails where
 * / is not a mount point (a chroot).
 */
export function namespaceOption(namespace: string): string {
  return `--net=/run/netns/${namespace}`;
}

function ip(args: string[]): Promise<string> {
  return run('ip', args);
}

async function run(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { timeout: 10_000 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

function runWithInput(command: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'], timeout: 10_000 });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed with exit code ${code}: ${stderr.trim()}\n${input}`));
    });
    child.stdin.end(input);
  });
}
