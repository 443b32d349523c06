import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface PortHolder {
  pid: number;
  /** Base name of the program, from argv[0] in /proc/<pid>/cmdline, such as mediasoup-worker. */
  command: string;
}

/**
 * Finds the process bound to a local port, through /proc: the socket
 * inode in /proc/net/<protocol>, then the process with a descriptor on it.
 * Returns undefined off Linux, or when the holder belongs to a user whose
 * descriptors this process may not read.
 */
export function findPortHolder(protocol: 'udp' | 'tcp', port: number): PortHolder | undefined {
  const inodes = socketInodes(protocol, port);
  if (inodes.size === 0) return undefined;

  for (const entry of safeReaddir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    for (const fd of safeReaddir(`/proc/${pid}/fd`)) {
      const target = safeReadlink(`/proc/${pid}/fd/${fd}`);
      const inode = target?.match(/^socket:\[(\d+)\]$/)?.[1];
      if (inode !== undefined && inodes.has(inode)) return { pid, command: programName(pid) };
    }
  }
  return undefined;
}

/** Returns the program's base name; /proc/<pid>/comm would cut mediasoup-worker to 15 characters. */
function programName(pid: number): string {
  const argv0 = safeRead(`/proc/${pid}/cmdline`)?.split('\0')[0];
  return argv0 ? (argv0.split('/').pop() ?? argv0) : '?';
}

/** Returns the inodes of sockets bound to the port: any UDP socket, or a listening TCP one (state 0A). */
function socketInodes(protocol: 'udp' | 'tcp', port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of [`/proc/net/${protocol}`, `/proc/net/${protocol}6`]) {
    const lines = safeRead(table)?.split('\n').slice(1) ?? [];
    for (const line of lines) {
      // Columns: sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const columns = line.trim().split(/\s+/);
      const localPort = parseInt(columns[1]?.split(':')[1] ?? '', 16);
      const listening = protocol === 'udp' || columns[3] === '0A';
      if (localPort === port && listening && columns[9] !== undefined) inodes.add(columns[9]);
    }
  }
  return inodes;
}

function safeRead(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function safeReadlink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
