import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { MeetingTestClient, sleep, startCluster, waitFor, type LocalCluster } from '@sfu-cluster/testkit';

import { benchResult, type Bar, type BenchResult } from './result';
import { RssSampler, slopePerHour, type RssSeries } from './rss';
import { childPids } from './sfu-target';

export interface SoakBenchOptions {
  /** Length of the call, warm-up included. */
  minutes: number;
  log: (line: string) => void;
}

/** Growth of one process over the samples after warm-up. */
interface ProcessGrowth {
  name: string;
  slopeMbPerHour: number;
  startMb: number;
  endMb: number;
  samples: number;
}

const PARTICIPANTS = 4;
const BAR_MB_PER_HOUR = 10;
const SAMPLE_MS = 5000;
/** Warm-up is this long, or a third of the call when that is shorter. */
const MAX_WARMUP_SECONDS = 60;
const MEDIA_TIMEOUT_MS = 15_000;

/**
 * Runs a 4-person call across two SFU nodes for the whole run, every client
 * publishing audio and video and receiving the others, while the RSS of
 * every cluster process is sampled from /proc. The bar is on the slope of
 * RSS over time after warm-up.
 */
export async function runSoakBench(options: SoakBenchOptions): Promise<BenchResult> {
  const durationSeconds = options.minutes * 60;
  const warmupSeconds = Math.min(MAX_WARMUP_SECONDS, durationSeconds / 3);
  // Two peers per node at most, so the four participants land on both nodes and media crosses a pipe.
  const cluster = await startCluster({ webPort: null, env: { SFU_MAX_PEERS: '2', LOG_LEVEL: 'warn' } });
  const clients: MeetingTestClient[] = [];

  try {
    const urls = cluster.signaling.map((node) => node.url);
    for (let index = 0; index < PARTICIPANTS; index++) {
      const token = await signToken(LOCAL_JWT_SECRET, { room: 'soak', identity: `participant-${index}` });
      clients.push(await MeetingTestClient.join(urls[index % urls.length]!, token, { publish: ['audio', 'video'] }));
    }
    await waitFor('media from every participant at every other', () => everyPairReceiving(clients, new Map()), MEDIA_TIMEOUT_MS);

    const sampler = new RssSampler(clusterProcesses(cluster));
    sampler.start(SAMPLE_MS);
    options.log(`soak: call of ${PARTICIPANTS} running on ${[...new Set(clients.map((client) => client.nodeId))].join(' and ')}; sampling RSS for ${options.minutes} min`);
    const mediaChecks = await watchMedia(clients, durationSeconds);
    sampler.stop();

    const growth = sampler.series.map((series) => growthAfter(series, warmupSeconds));
    return report(options, growth, { warmupSeconds, durationSeconds, mediaChecks, clients });
  } finally {
    for (const client of clients) client.close();
    await cluster.stop();
  }
}

/** Lists every cluster process by name: Redis, signaling, SFU nodes with their workers, lifecycle. */
function clusterProcesses(cluster: LocalCluster): { name: string; pid: number }[] {
  const processes = [{ name: 'redis', pid: cluster.redis!.process.pid }];
  for (const entry of cluster.processes()) {
    processes.push({ name: entry.name, pid: entry.process.pid });
    const sfu = cluster.sfu.find((node) => node.name === entry.name);
    if (sfu === undefined) continue;

    const workers = childPids(sfu.process.pid);
    if (workers.length === 0) throw new Error(`no mediasoup worker process found under ${sfu.nodeId} (pid ${sfu.process.pid})`);
    workers.forEach((pid, index) => processes.push({ name: `${sfu.nodeId} worker ${index}`, pid }));
  }
  return processes;
}

/** True when every client got more packets from every other than counts contains (zero for a pair it lacks). */
function everyPairReceiving(clients: MeetingTestClient[], counts: Map<string, number>): boolean {
  return clients.every((client) =>
    clients.every((other) => other === client || client.packetsFrom(other.peerId) > (counts.get(`${client.peerId}/${other.peerId}`) ?? 0)),
  );
}

function packetCounts(clients: MeetingTestClient[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const client of clients) {
    for (const other of clients) if (other !== client) counts.set(`${client.peerId}/${other.peerId}`, client.packetsFrom(other.peerId));
  }
  return counts;
}

/** Waits out the call, checking every sample interval that media still flows between every pair, and returns how many checks failed. */
async function watchMedia(clients: MeetingTestClient[], durationSeconds: number): Promise<{ checks: number; failed: number }> {
  const endAt = Date.now() + durationSeconds * 1000;
  const result = { checks: 0, failed: 0 };
  while (Date.now() < endAt) {
    const counts = packetCounts(clients);
    await sleep(Math.min(SAMPLE_MS, Math.max(0, endAt - Date.now())));
    result.checks += 1;
    if (!everyPairReceiving(clients, counts)) result.failed += 1;
  }
  return result;
}

function growthAfter(series: RssSeries, warmupSeconds: number): ProcessGrowth {
  const measured = series.samples.filter((sample) => sample.seconds >= warmupSeconds);
  return {
    name: series.name,
    slopeMbPerHour: slopePerHour(measured),
    startMb: measured[0]?.megabytes ?? NaN,
    endMb: measured.at(-1)?.megabytes ?? NaN,
    samples: measured.length,
  };
}

function report(
  options: SoakBenchOptions,
  growth: ProcessGrowth[],
  run: { warmupSeconds: number; durationSeconds: number; mediaChecks: { checks: number; failed: number }; clients: MeetingTestClient[] },
): BenchResult {
  const worst = growth.reduce((max, entry) => (entry.slopeMbPerHour > max.slopeMbPerHour ? entry : max), growth[0]!);
  const bars: Bar[] = [
    {
      bar: `largest RSS slope after warm-up / ${BAR_MB_PER_HOUR} MB/h <= 1`,
      value: worst.slopeMbPerHour / BAR_MB_PER_HOUR,
      met: growth.every((entry) => entry.slopeMbPerHour <= BAR_MB_PER_HOUR),
    },
  ];

  const figures: BenchResult['figures'] = {
    worstSlope: { value: worst.slopeMbPerHour, unit: `MB/h (${worst.name})` },
    callMinutes: { value: options.minutes, unit: 'min' },
    mediaChecksFailed: { value: run.mediaChecks.failed, unit: `of ${run.mediaChecks.checks}` },
  };
  for (const entry of growth) {
    figures[`${entry.name} slope`] = { value: entry.slopeMbPerHour, unit: 'MB/h' };
    figures[`${entry.name} rss`] = { value: entry.endMb, unit: `MB at the end, ${entry.startMb.toFixed(1)} MB after warm-up` };
  }

  const placement = run.clients.map((client) => client.nodeId).join(', ');
  const errors = run.clients.flatMap((client) => client.errors.map((error) => error.message));
  const notes = [
    `${PARTICIPANTS} WebRTC clients in Node (the testkit's MeetingTestClient on msc-node), each publishing synthetic Opus (50 packets/s) and VP8 ` +
      `(30 packets/s of about 1 KB) and receiving the other three, placed on nodes ${placement} (SFU_MAX_PEERS=2 splits them over both nodes).`,
    `RSS (VmRSS from /proc/<pid>/status) of every process every ${SAMPLE_MS / 1000} s; the slope is a least-squares fit over the samples after ` +
      `${Math.round(run.warmupSeconds)} s of warm-up, ${worst.samples} samples here.`,
    `This run lasted ${options.minutes} min, so each slope is an estimate: a garbage collection or an allocator keeping freed pages moves a Node ` +
      'process by a few MB at a time, which over minutes reads as tens of MB/h. Run with --soak-minutes 60 or more before calling a slope a leak.',
    `Per process, slope in MB/h (RSS after warm-up -> at the end): ${growth
      .map((entry) => `${entry.name} ${entry.slopeMbPerHour.toFixed(1)} (${entry.startMb.toFixed(1)} -> ${entry.endMb.toFixed(1)} MB)`)
      .join('; ')}.`,
    `Media between every pair of participants was checked every ${SAMPLE_MS / 1000} s: ${run.mediaChecks.failed} of ${run.mediaChecks.checks} checks found a pair without new packets.`,
  ];
  if (errors.length > 0) notes.push(`Client errors: ${errors.slice(0, 3).join('; ')}`);

  return benchResult({
    name: 'soak',
    title: 'RSS growth of every cluster process during a 4-person call',
    figures,
    baseline: { what: 'none: the bar is absolute', figures: {} },
    ratio: worst.slopeMbPerHour / BAR_MB_PER_HOUR,
    bars,
    settings: { minutes: options.minutes, participants: PARTICIPANTS, sampleSeconds: SAMPLE_MS / 1000, warmupSeconds: run.warmupSeconds },
    notes,
  });
}
