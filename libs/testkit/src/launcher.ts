import { startCluster, type LocalCluster } from './cluster';
import { isTcpPortFree } from './ports';

export interface LocalClusterOptions {
  /** Where the local Redis keeps its append-only file between runs. */
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
  const redisUrl = process.env.REDIS_URL || undefined;
  await checkPortsFree(redisUrl === undefined);
  const redisPort = redisUrl === undefined ? PORTS.redis : undefined;

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

  printSummary(cluster, width);
  watchForExits(cluster);
  stopOnSignals(cluster);
  return cluster;
}

async function checkPortsFree(withRedis: boolean): Promise<void> {
  const wanted: [string, number][] = [
    ...PORTS.signaling.map((port, index): [string, number] => [`signaling-${index + 1}`, port]),
    ...PORTS.sfu.map((port, index): [string, number] => [`sfu-${index + 1}`, port]),
    ['lifecycle', PORTS.lifecycle],
    ['web', PORTS.web],
  ];
  if (withRedis) wanted.push(['redis', PORTS.redis]);

  for (const [name, port] of wanted) {
    if (!(await isTcpPortFree(port))) {
      const hint = name === 'redis' ? ', or set REDIS_URL to use that Redis' : '';
      throw new Error(`port ${port} for ${name} is in use; stop the process holding it (ss -ltnp 'sport = :${port}')${hint}`);
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

function stopOnSignals(cluster: LocalCluster): void {
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the local cluster\n`);
    void cluster.stop().then(() => {
      process.stdout.write('local cluster stopped\n');
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
}
