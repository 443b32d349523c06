import { startCluster, type LocalCluster, type MeetingTestClient, type SfuNodeProcess } from '@sfu-cluster/testkit';

import { consumersBefore, joinFailoverRoom, leaveAll, measureRecovery, type ClientRecovery } from './failover-room';
import { formatLoopDelay, LoopDelay } from './loop-delay';
import { formatLatency, latencyFigures, summarizeLatency, type LatencySummary } from './latency-summary';
import { benchResult, type Bar, type BenchResult } from './result';

export interface FailoverBenchOptions {
  /** Clients on the killed worker, and again on the killed node. */
  clients: number;
  log: (line: string) => void;
}

/** Recovery times of one kill. */
interface FailoverRun {
  killed: string;
  recoveries: ClientRecovery[];
  loopDelay: { p99Ms: number; maxMs: number };
  /** Errors the clients raised while rebuilding their media. */
  clientErrors: string[];
}

const WORKER_P99_BAR_MS = 1000;
const NODE_P95_BAR_MS = 3000;
/** Time after the cluster's start before the node kill: the lifecycle worker's grace after connecting, plus margin. */
const LIFECYCLE_SETTLED_MS = 6000;

/** Maximum wait for media after a kill. A client without media by then counts as not recovered. */
const RECOVERY_TIMEOUT_MS = 15_000;

/**
 * Time from kill -9 to media flowing again at each client: first of the
 * mediasoup worker that carries a room, then of the SFU node that carries
 * another. Recovery is the product's own: the SFU node's workerLost event,
 * or the lifecycle worker declaring the node lost, then signaling placing
 * each peer again and the client rebuilding its media on reconnectMedia.
 */
export async function runFailoverBench(options: FailoverBenchOptions): Promise<BenchResult> {
  const cluster = await startCluster({ webPort: null, env: { LOG_LEVEL: 'warn' } });
  const clusterUpAt = Date.now();
  try {
    const urls = cluster.signaling.map((node) => node.url);

    const workerRun = await killWorker(cluster, urls, options);
    options.log(`failover: worker death, media back ${formatLatency(summarizeLatency(workerRun.recoveries.map((entry) => entry.mediaMs)))}`);

    const nodeRun = await killNode(cluster, urls, options, clusterUpAt);
    options.log(`failover: node death, media back ${formatLatency(summarizeLatency(nodeRun.recoveries.map((entry) => entry.mediaMs)))}`);

    return report(options, workerRun, nodeRun);
  } finally {
    await cluster.stop();
  }
}

function hostingNode(cluster: LocalCluster, clients: MeetingTestClient[]): SfuNodeProcess {
  const nodeIds = new Set(clients.map((client) => client.nodeId));
  if (nodeIds.size !== 1) throw new Error(`the failover room spans nodes ${[...nodeIds].join(', ')}, but the benchmark kills one node that carries every client`);
  const nodeId = [...nodeIds][0]!;
  const node = cluster.sfu.find((entry) => entry.nodeId === nodeId);
  if (!node) throw new Error(`clients are on ${nodeId}, which is not a node of this cluster`);
  return node;
}

async function killWorker(cluster: LocalCluster, urls: string[], options: FailoverBenchOptions): Promise<FailoverRun> {
  const clients = await joinFailoverRoom(urls, 'failover-worker', options.clients);
  try {
    const node = hostingNode(cluster, clients);
    const health = (await (await fetch(`${node.url}/api/v1/health`)).json()) as { workers: { pid: number }[] };
    if (health.workers.length !== 1) throw new Error(`${node.nodeId} reports ${health.workers.length} workers; the benchmark starts nodes with one`);
    const before = consumersBefore(clients);

    const loopDelay = new LoopDelay();
    loopDelay.start();
    process.kill(health.workers[0]!.pid, 'SIGKILL');
    const killedAt = Date.now();

    const recoveries = await measureRecovery(clients, before, killedAt, RECOVERY_TIMEOUT_MS);
    return { killed: `worker pid ${health.workers[0]!.pid} of ${node.nodeId}`, recoveries, loopDelay: loopDelay.stop(), clientErrors: errorsOf(clients) };
  } finally {
    await leaveAll(clients);
  }
}

async function killNode(cluster: LocalCluster, urls: string[], options: FailoverBenchOptions, clusterUpAt: number): Promise<FailoverRun> {
  const clients = await joinFailoverRoom(urls, 'failover-node', options.clients);
  try {
    // A lifecycle worker declares no node lost in its first 5 s on Redis (NODE_TTL_MS + 2 s),
    // because a Redis restart expires every record. A running cluster is past that.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, clusterUpAt + LIFECYCLE_SETTLED_MS - Date.now())));

    const node = hostingNode(cluster, clients);
    const before = consumersBefore(clients);

    // The whole process group: the node process and its mediasoup workers, as when a host or pod dies.
    const loopDelay = new LoopDelay();
    loopDelay.start();
    node.process.kill('SIGKILL', { group: true });
    const killedAt = Date.now();

    const recoveries = await measureRecovery(clients, before, killedAt, RECOVERY_TIMEOUT_MS);
    return { killed: `${node.nodeId} (node process and its worker)`, recoveries, loopDelay: loopDelay.stop(), clientErrors: errorsOf(clients) };
  } finally {
    await leaveAll(clients);
  }
}

function errorsOf(clients: MeetingTestClient[]): string[] {
  return clients.flatMap((client) => client.errors.map((error) => error.message));
}

function recovered(run: FailoverRun): number {
  return run.recoveries.filter((entry) => Number.isFinite(entry.mediaMs)).length;
}

/** Summarizes when one step of recovery reached the clients; a client the step never reached counts as Infinity. */
function stepSummary(run: FailoverRun, step: 'reconnectMs' | 'consumerMs'): LatencySummary {
  return summarizeLatency(run.recoveries.map((entry) => entry[step] ?? Infinity));
}

function stepsNote(run: FailoverRun): string {
  return (
    `reconnectMedia reached them at ${formatLatency(stepSummary(run, 'reconnectMs'))}, and their first newConsumer at ` +
    `${formatLatency(stepSummary(run, 'consumerMs'))}. Until the last client recovered, the ${formatLoopDelay(run.loopDelay)}.`
  );
}

function report(options: FailoverBenchOptions, workerRun: FailoverRun, nodeRun: FailoverRun): BenchResult {
  const worker = summarizeLatency(workerRun.recoveries.map((entry) => entry.mediaMs));
  const node = summarizeLatency(nodeRun.recoveries.map((entry) => entry.mediaMs));
  const bars: Bar[] = [
    { bar: `worker death: media back p99 / ${WORKER_P99_BAR_MS} ms <= 1`, value: worker.p99 / WORKER_P99_BAR_MS, met: worker.p99 <= WORKER_P99_BAR_MS },
    { bar: `node death: media back p95 / ${NODE_P95_BAR_MS} ms <= 1`, value: node.p95 / NODE_P95_BAR_MS, met: node.p95 <= NODE_P95_BAR_MS },
  ];

  const notes = [
    `Each kill carries ${options.clients} WebRTC clients in Node (the testkit's MeetingTestClient on msc-node) in one room: 2 publish audio and all subscribe. ` +
      'A client has recovered when RTP arrives on a consumer created after the kill; one without it within 15 s counts as infinite time.',
    `Worker death: kill -9 of ${workerRun.killed}. ${recovered(workerRun)} of ${workerRun.recoveries.length} clients recovered; ` +
      stepsNote(workerRun),
    `Node death: kill -9 of ${nodeRun.killed}. ${recovered(nodeRun)} of ${nodeRun.recoveries.length} clients recovered; ` +
      `${stepsNote(nodeRun)} ` +
      'The lifecycle worker, polling every 250 ms, declares a node lost once its RPC request channel has had no subscriber for 0.75 s (a killed process closes its Redis connections at once), or when its registry record expires (heartbeats every 1 s, 3 s TTL) for a node that hangs. The kill comes at least 6 s after the cluster started, past the 5 s in which a freshly connected lifecycle worker declares nothing.',
    'Cluster: Redis, two signaling nodes (clients alternate between them), two SFU nodes with one worker each, and the lifecycle worker. Both rooms start on one node, which placement picks.',
    ...[workerRun, nodeRun]
      .filter((run) => run.clientErrors.length > 0)
      .map((run) => `After the kill of ${run.killed}, clients raised ${run.clientErrors.length} errors; first: ${run.clientErrors[0]}`),
    'There is no baseline: the ratio is the measured percentile over its bar. Times are read in the benchmark process, which also runs every client, so its event-loop delay adds to them.',
  ];

  return benchResult({
    name: 'failover',
    title: 'Time from kill -9 of a worker or an SFU node to media flowing again at each client',
    // The two figures the bars read come first, because the table prints the first three.
    figures: {
      workerDeathP99: { value: worker.p99, unit: 'ms' },
      nodeDeathP95: { value: node.p95, unit: 'ms' },
      ...latencyFigures('workerDeath', worker),
      workerDeathRecovered: { value: recovered(workerRun), unit: `of ${workerRun.recoveries.length} clients` },
      ...latencyFigures('nodeDeath', node),
      nodeDeathRecovered: { value: recovered(nodeRun), unit: `of ${nodeRun.recoveries.length} clients` },
    },
    baseline: { what: 'none: the bars are absolute', figures: {} },
    ratio: worker.p99 / WORKER_P99_BAR_MS,
    bars,
    settings: { clients: options.clients, publishers: 2, workersPerNode: 1, recoveryTimeoutMs: RECOVERY_TIMEOUT_MS },
    notes,
  });
}
