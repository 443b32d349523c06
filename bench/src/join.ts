import { MeetingTestClient, sleep } from '@sfu-cluster/testkit';

import { timeJoin, type JoinTiming } from './join-client';
import { startBareTarget, startClusterTarget, type JoinTarget } from './join-targets';
import { formatLoopDelay, LoopDelay } from './loop-delay';
import { formatLatency, latencyFigures, summarizeLatency } from './latency-summary';
import { benchResult, type Bar, type BenchResult } from './result';

export interface JoinBenchOptions {
  /** Measured joins per server. */
  joiners: number;
  /** Joins started together; the next batch starts when the last one ends. */
  batch: number;
  log: (line: string) => void;
}

/** Results of one server's joins. A failed join has Infinity as its time. */
interface JoinRun {
  timings: JoinTiming[];
  firstRtpMs: number[];
  failures: string[];
}

type Side = 'cluster' | 'bare';

interface JoinRuns extends Record<Side, JoinRun> {
  /** Event-loop delay of the benchmark process over all measured joins. */
  loopDelayMs?: { p99Ms: number; maxMs: number };
}

const P50_RATIO_BAR = 1.5;
const P99_BAR_MS = 300;
/** Joins per server before the measured ones, so JIT warm-up and first-router costs stay out of the figures. */
const WARMUP_JOINS = 3;
const JOIN_TIMEOUT_MS = 10_000;
/** Time for the publisher's DTLS to connect and its RTP to reach the router before anyone joins. */
const PUBLISHER_SETTLE_MS = 1000;
const ROOM = 'join-bench';

/**
 * Measures the time from join to the first RTP of a remote producer, for WebRTC clients
 * in Node joining through the cluster (two signaling nodes, two SFU nodes,
 * Redis) against a bare one-process socket.io and mediasoup server.
 */
export async function runJoinBench(options: JoinBenchOptions): Promise<BenchResult> {
  const bare = await startBareTarget(3600);
  try {
    const cluster = await startClusterTarget(ROOM);
    try {
      const runs = await measureJoins(options, { cluster, bare });
      options.log(`join: bare ${formatLatency(summarizeLatency(runs.bare.firstRtpMs))}`);
      options.log(`join: cluster ${formatLatency(summarizeLatency(runs.cluster.firstRtpMs))}`);
      return report(options, runs);
    } finally {
      await cluster.stop();
    }
  } finally {
    await bare.stop();
  }
}

/**
 * Joins one audio publisher per server, then the warm-up and measured
 * joiners. Batches alternate between the servers, and which goes first
 * alternates too, so load from elsewhere on the machine falls on both.
 * Each joiner goes through the server's next signaling URL in turn.
 */
async function measureJoins(options: JoinBenchOptions, targets: Record<Side, JoinTarget>): Promise<JoinRuns> {
  const runs: JoinRuns = { cluster: emptyRun(), bare: emptyRun() };
  const publishers: MeetingTestClient[] = [];
  const loopDelay = new LoopDelay();
  try {
    for (const target of Object.values(targets)) {
      publishers.push(await MeetingTestClient.join(target.urls[0]!, await target.token(), { publish: ['audio'], subscribe: false }));
    }
    await sleep(PUBLISHER_SETTLE_MS);
    loopDelay.start();

    const total = WARMUP_JOINS + options.joiners;
    let round = 0;
    for (let first = 0; first < total; first += options.batch) {
      const indexes = Array.from({ length: Math.min(options.batch, total - first) }, (_, offset) => first + offset);
      const order: Side[] = round++ % 2 === 0 ? ['cluster', 'bare'] : ['bare', 'cluster'];
      for (const side of order) await joinBatch(targets[side], indexes, runs[side]);
    }
    runs.loopDelayMs = loopDelay.stop();
    return runs;
  } finally {
    for (const publisher of publishers) publisher.close();
  }
}

/** Joins one batch at once and records the measured ones; a warm-up join is not recorded. */
async function joinBatch(target: JoinTarget, indexes: number[], run: JoinRun): Promise<void> {
  const tokens = await Promise.all(indexes.map(() => target.token()));
  const outcomes = await Promise.allSettled(indexes.map((index, slot) => timeJoin(target.urls[index % target.urls.length]!, tokens[slot]!, JOIN_TIMEOUT_MS)));

  outcomes.forEach((outcome, slot) => {
    if (indexes[slot]! < WARMUP_JOINS) return;
    if (outcome.status === 'fulfilled') {
      run.timings.push(outcome.value);
      run.firstRtpMs.push(outcome.value.firstRtpMs);
    } else {
      run.failures.push((outcome.reason as Error).message);
      run.firstRtpMs.push(Infinity);
    }
  });
}

function emptyRun(): JoinRun {
  return { timings: [], firstRtpMs: [], failures: [] };
}

/** Returns the p50 of one step over the successful joins. */
function stepP50(run: JoinRun, step: keyof JoinTiming): number {
  return summarizeLatency(run.timings.map((timing) => timing[step])).p50;
}

function report(options: JoinBenchOptions, runs: JoinRuns): BenchResult {
  const { cluster: clusterRun, bare: bareRun } = runs;
  const cluster = summarizeLatency(clusterRun.firstRtpMs);
  const bare = summarizeLatency(bareRun.firstRtpMs);
  const ratio = cluster.p50 / bare.p50;
  const bars: Bar[] = [
    { bar: `cluster p50 / bare p50 <= ${P50_RATIO_BAR}`, value: ratio, met: ratio <= P50_RATIO_BAR },
    { bar: `cluster p99 < ${P99_BAR_MS} ms`, value: cluster.p99, met: cluster.p99 < P99_BAR_MS },
  ];

  const steps = (run: JoinRun): string =>
    `join acknowledged ${stepP50(run, 'joinedMs')} ms, receive transport ${stepP50(run, 'transportMs')} ms, ` +
    `first newConsumer ${stepP50(run, 'consumerMs')} ms, connectTransport acknowledged ${stepP50(run, 'connectedMs')} ms, ` +
    `first resumeConsumer acknowledged ${stepP50(run, 'resumedMs')} ms, first RTP ${stepP50(run, 'firstRtpMs')} ms`;
  const notes = [
    `Each joiner is a WebRTC client in Node (msc-node on werift, the testkit's client) that joins as a subscriber of a room with one audio publisher (50 packets/s), ` +
      `creates its receive transport, consumes and resumes, and stops at the first decrypted RTP packet; then it leaves. ` +
      `${options.joiners} measured joins per server in batches of ${options.batch}, after ${WARMUP_JOINS} warm-up joins. ` +
      'Both servers run at once and the batches alternate between them, so other load on the machine falls on both sides.',
    `Time starts when join is sent on an open socket.io connection; connecting the socket and signing the token are not counted.`,
    `Cluster: Redis, two signaling nodes (joiners alternate between them), two SFU nodes with one worker each; placement keeps the room on one SFU node, so no pipe is on the path.`,
    `Bare: one Node process with socket.io and one mediasoup worker, router and WebRtcServer, answering the same client events with no Redis, RPC, token or payload checks.`,
    `Median steps, from join sent: cluster ${steps(clusterRun)}; bare ${steps(bareRun)}.`,
    'The clients run in the benchmark process and decrypt DTLS and SRTP in JavaScript, so its event-loop delay on a busy machine is part of both sides\' times: ' +
      `over the measured joins, ${formatLoopDelay(runs.loopDelayMs!)}.`,
  ];
  for (const [side, run] of [['cluster', clusterRun], ['bare', bareRun]] as const) {
    if (run.failures.length > 0) notes.push(`${run.failures.length} ${side} joins failed (counted as infinite time); first: ${run.failures[0]}`);
  }

  return benchResult({
    name: 'join',
    title: 'Time from join to the first RTP of a remote producer: the cluster against a bare server',
    figures: {
      ...latencyFigures('firstRtp', cluster),
      failedJoins: { value: clusterRun.failures.length, unit: 'joins' },
    },
    baseline: {
      what: 'bare one-process socket.io and mediasoup server',
      figures: { ...latencyFigures('firstRtp', bare), failedJoins: { value: bareRun.failures.length, unit: 'joins' } },
    },
    ratio,
    bars,
    settings: { joiners: options.joiners, batch: options.batch, warmupJoins: WARMUP_JOINS, publisher: 'audio', joinTimeoutMs: JOIN_TIMEOUT_MS },
    notes,
  });
}
