import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { startCluster, type LocalCluster } from './cluster';
import { freePort, isTcpPortFree } from './ports';
import { isProcessAlive } from './process';

export interface LocalClusterOptions {
  /** Directory of the local Redis's append-only file, kept between runs. */
  redisDir: string;
}

/** The fixed ports of `npm start`; the first signaling node on 3000, where single-server set-ups have their API. */
const PORTS = {
  redis: 6379,
  signaling: [3000, 3001],
  sfu: [3100, 3101],
  lifecycle: 3200,
  web: 8080,
  rtcBase: 40000,
  rtcPerNode: 5000,
};

/**
 * Runs the local cluster in the foreground: relays every process's output
 * with its name, prints one line per process with its URL, and stops them
 * all on Ctrl-C (SIGINT), SIGTERM or SIGHUP.
 */
export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  stopLeftovers(options.redisDir);
  const redisUrl = process.env.REDIS_URL || undefined;
  await checkPortsFree();
  const redisPort = redisUrl === undefined ? await redisPortToUse() : undefined;

  const width = 12;
  const cluster = await startCluster({
    redisUrl,
    redisPort,
    redisDir: redisUrl === undefined ? options.redisDir : undefined,
    signalingPorts: PORTS.signaling,
    sfuPorts: PORTS.sfu,
    lifecyclePort: PORTS.lifecycle,
    webPort: PORTS.web,
    rtcPortBase: PORTS.rtcBase,
    rtcPortsPerNode: PORTS.rtcPerNode,
    prefix: 'sfu:',
    onLine: (name, line) => process.stderr.write(`${name.padEnd(width)}| ${line}\n`),
  });

  recordPids(options.redisDir, cluster);
  printSummary(cluster, width);
  watchForExits(cluster);
  stopOnSignals(cluster, options.redisDir);
  return cluster;
}

/**
 * 6379 when free. Debian's redis-server package starts a system Redis
 * there on install, so when it is taken the local cluster runs its own
 * Redis on another port rather than share one it does not own.
 */
async function redisPortToUse(): Promise<number> {
  if (await isTcpPortFree(PORTS.redis)) return PORTS.redis;

  const port = await freePort();
  process.stderr.write(`port ${PORTS.redis} is in use (a system Redis?); the local cluster's Redis uses ${port}\n`);
  return port;
}

function pidFile(dir: string): string {
  return join(dir, 'cluster-pids.json');
}

/** Writes the process group of every child, so a later start can stop them if this launcher dies with SIGKILL. */
function recordPids(dir: string, cluster: LocalCluster): void {
  const pids = cluster.processes().map((entry) => entry.process.pid);
  if (cluster.redis) pids.push(cluster.redis.process.pid);
  writeFileSync(pidFile(dir), JSON.stringify({ launcher: process.pid, pids }));
}

/** Stops what an earlier launcher left behind, when it died before it could. */
function stopLeftovers(dir: string): void {
  let recorded: { launcher: number; pids: number[] };
  try {
    recorded = JSON.parse(readFileSync(pidFile(dir), 'utf8')) as { launcher: number; pids: number[] };
  } catch {
    return;
  }

  if (isProcessAlive(recorded.launcher)) {
    throw new Error(`another local cluster runs (launcher pid ${recorded.launcher}); stop it with Ctrl-C first`);
  }
  const left = recorded.pids.filter(isProcessAlive);
  for (const pid of left) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
  if (left.length > 0) process.stderr.write(`stopped ${left.length} processes left by an earlier npm start\n`);
  rmSync(pidFile(dir), { force: true });
}

async function checkPortsFree(): Promise<void> {
  const wanted: [string, number][] = [
    ...PORTS.signaling.map((port, index): [string, number] => [`signaling-${index + 1}`, port]),
    ...PORTS.sfu.map((port, index): [string, number] => [`sfu-${index + 1}`, port]),
    ['lifecycle', PORTS.lifecycle],
    ['web', PORTS.web],
  ];

  for (const [name, port] of wanted) {
    if (!(await isTcpPortFree(port))) {
      throw new Error(`port ${port} for ${name} is in use; stop the process holding it (ss -ltnp 'sport = :${port}')`);
    }
  }
}

function printSummary(cluster: LocalCluster, width: number): void {
  const lines = [`${'redis'.padEnd(width)}${cluster.redisUrl}`];
  for (const entry of cluster.processes()) lines.push(`${entry.name.padEnd(width)}${entry.url}`);
  for (const node of cluster.sfu) {
    lines.push(`${`${node.name} media`.padEnd(width)}udp/tcp ${node.rtcMinPort}-${node.rtcMaxPort}`);
  }
  process.stdout.write(`${lines.join('\n')}\nlocal cluster is up; press Ctrl-C to stop it\n`);
}

function watchForExits(cluster: LocalCluster): void {
  for (const entry of cluster.processes()) {
    void entry.process.whenExited().then(() => {
      if (stopping) return;
      process.stderr.write(`${entry.name} exited unexpectedly (${entry.process.describeExit()})\n`);
    });
  }
}

let stopping = false;

function stopOnSignals(cluster: LocalCluster, dir: string): void {
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the local cluster\n`);
    void cluster.stop().then(() => {
      rmSync(pidFile(dir), { force: true });
      process.stdout.write('local cluster stopped\n');
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
}
