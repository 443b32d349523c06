import { join } from 'node:path';

import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { freeMediaPortBase, ManagedProcess, MeetingTestClient, sleep, startCluster, workerBin } from '@sfu-cluster/testkit';

import { timeJoin, type JoinTiming } from './join-client';
import type { JoinServerConfig } from './join-server';
import { formatLoopDelay, LoopDelay } from './loop-delay';
import { formatLatency, latencyFigures, summarizeLatency } from './latency-summary';
import type { Bar, BenchResult } from './result';

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
  loopDelay?: { p99Ms: number; maxMs: number };
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
  const bare = await runBare(options);
  options.log(`join: bare ${formatLatency(summarizeLatency(bare.firstRtpMs))}`);
  const cluster = await runCluster(options);
  options.log(`join: cluster ${formatLatency(summarizeLatency(cluster.firstRtpMs))}`);
  return report(options, cluster, bare);
}

async function runBare(options: JoinBenchOptions): Promise<JoinRun> {
  const config: JoinServerConfig = { rtcPort: await freeMediaPortBase(1), maxSeconds: 600 };
  const server = new ManagedProcess({
    name: 'join-server',
    command: process.execPath,
    args: [join(__dirname, 'join-server.js'), JSON.stringify(config)],
    env: { ...process.env, MEDIASOUP_WORKER_BIN: workerBin() },
  });

  try {
    server.start();
    const line = await server.waitForLine(/^\{"ready":true/, 20_000);
    const url = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
    // The bare server checks no token, so any string does.
    return await measureJoins(options, [url], async () => 'no-token');
  } finally {
    await server.stop(5000);
  }
}

async function runCluster(options: JoinBenchOptions): Promise<JoinRun> {
  const cluster = await startCluster({ lifecyclePort: null, webPort: null, env: { LOG_LEVEL: 'warn' } });
  try {
    const urls = cluster.signaling.map((node) => node.url);
    let next = 0;
    const token = (): Promise<string> => signToken(LOCAL_JWT_SECRET, { room: ROOM, identity: `joiner-${next++}` });
    return await measureJoins(options, urls, token);
  } finally {
    await cluster.stop();
  }
}

/**
 * Joins one audio publisher through the first URL, then the warm-up and
 * measured joiners in batches, each through the next URL in turn.
 */
async function measureJoins(options: JoinBenchOptions, urls: string[], token: () => Promise<string>): Promise<JoinRun> {
  const publisher = await MeetingTestClient.join(urls[0]!, await token(), { publish: ['audio'], subscribe: false });
  const run: JoinRun = { timings: [], firstRtpMs: [], failures: [] };
  const loopDelay = new LoopDelay();
  try {
    await sleep(PUBLISHER_SETTLE_MS);
    loopDelay.start();

    const total = WARMUP_JOINS + options.joiners;
    for (let first = 0; first < total; first += options.batch) {
      const indexes = Array.from({ length: Math.min(options.batch, total - first) }, (_, offset) => first + offset);
      const tokens = await Promise.all(indexes.map(() => token()));
      const outcomes = await Promise.allSettled(indexes.map((index, slot) => timeJoin(urls[index % urls.length]!, tokens[slot]!, JOIN_TIMEOUT_MS)));

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
    run.loopDelay = loopDelay.stop();
    return run;
  } finally {
    publisher.close();
  }
}

/** Returns the p50 of one step over the successful joins. */
function stepP50(run: JoinRun, step: keyof JoinTiming): number {
  return summarizeLatency(run.timings.map((timing) => timing[step])).p50;
}

function report(options: JoinBenchOptions, clusterRun: JoinRun, bareRun: JoinRun): BenchResult {
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
      `${options.joiners} measured joins per server in batches of ${options.batch}, after ${WARMUP_JOINS} warm-up joins.`,
    `Time starts when join is sent on an open socket.io connection; connecting the socket and signing the token are not counted.`,
    `Cluster: Redis, two signaling nodes (joiners alternate between them), two SFU nodes with one worker each; placement keeps the room on one SFU node, so no pipe is on the path.`,
    `Bare: one Node process with socket.io and one mediasoup worker, router and WebRtcServer, answering the same client events with no Redis, RPC, token or payload checks.`,
    `Median steps, from join sent: cluster ${steps(clusterRun)}; bare ${steps(bareRun)}.`,
    'The clients run in the benchmark process and decrypt DTLS and SRTP in JavaScript, so its event-loop delay on a busy machine is part of both sides\' times: ' +
      `during the cluster's joins ${formatLoopDelay(clusterRun.loopDelay!)}; during the bare server's ${formatLoopDelay(bareRun.loopDelay!)}.`,
  ];
  for (const [side, run] of [['cluster', clusterRun], ['bare', bareRun]] as const) {
    if (run.failures.length > 0) notes.push(`${run.failures.length} ${side} joins failed (counted as infinite time); first: ${run.failures[0]}`);
  }

  return {
    name: 'join',
    title: 'Time from join to the first RTP of a remote producer: the cluster against a bare server',
    measuredAt: new Date().toISOString(),
    figures: {
      ...latencyFigures('firstRtp', cluster),
      failedJoins: { value: clusterRun.failures.length, unit: 'joins' },
    },
    baseline: {
      what: 'bare one-process socket.io and mediasoup server',
      figures: { ...latencyFigures('firstRtp', bare), failedJoins: { value: bareRun.failures.length, unit: 'joins' } },
    },
    ratio,
    bar: bars[0]!.bar,
    met: bars.every((bar) => bar.met),
    bars,
    settings: { joiners: options.joiners, batch: options.batch, warmupJoins: WARMUP_JOINS, publisher: 'audio', joinTimeoutMs: JOIN_TIMEOUT_MS },
    notes,
  };
}
