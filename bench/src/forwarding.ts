import { sleep, waitFor } from '@sfu-cluster/testkit';

import { CpuMeter } from './cpu';
import type { Figure } from './result';
import type { Publishers, Sinks } from './workload';

/** Packet counts, CPU and latency of one server under test over the measured window. */
export interface ForwardingRun {
  /** Workload packets received by the sinks. */
  forwarded: number;
  /** Packets the sinks should have received: packets sent times subscribers. */
  expected: number;
  /** CPU seconds of every measured process together. */
  cpuSeconds: number;
  /** CPU seconds per group of processes, by the names the caller gave. */
  cpuSecondsByGroup: Record<string, number>;
  wallSeconds: number;
  p50Ms: number;
  p99Ms: number;
  /**
   * Latency of the sink groups that the window's latencyGroups names, and
   * relative to the other sinks (see Sinks.relativeLatency); empty without them.
   */
  latencyByGroup: Record<string, { p50Ms: number; p99Ms: number; relative: { p50Ms: number; p99Ms: number } }>;
}

export interface ForwardingWindow {
  warmupSeconds: number;
  durationSeconds: number;
  subscribers: number;
  /** Sink indexes whose latency is also reported on its own, by group name. */
  latencyGroups?: Record<string, number[]>;
}

/** Seconds to wait for the first packet at every sink: video consumers wait for a keyframe, and a node's first RTP takes a moment. */
const FIRST_PACKET_TIMEOUT_MS = 15_000;

/**
 * Starts the publishers, waits until every sink receives media and the
 * warm-up has passed, then counts forwarded packets and the server
 * processes' CPU over the measured window.
 */
export async function measureForwarding(
  publishers: Publishers,
  sinks: Sinks,
  serverPids: Record<string, number[]>,
  window: ForwardingWindow,
): Promise<ForwardingRun> {
  publishers.start();
  try {
    await waitFor('workload packets at every sink', () => sinks.arrivedAtAll(), FIRST_PACKET_TIMEOUT_MS);
    await sleep(window.warmupSeconds * 1000);

    const meters = Object.entries(serverPids).map(([group, pids]) => ({ group, meter: new CpuMeter(pids) }));
    const sentBefore = publishers.sent;
    sinks.measuring = true;
    for (const { meter } of meters) meter.start();
    await sleep(window.durationSeconds * 1000);
    const readings = meters.map(({ group, meter }) => ({ group, ...meter.stop() }));
    const sent = publishers.sent - sentBefore;
    sinks.measuring = false;

    const cpuSecondsByGroup = Object.fromEntries(readings.map((reading) => [reading.group, reading.cpuSeconds]));
    const latencyByGroup = Object.fromEntries(
      Object.entries(window.latencyGroups ?? {}).map(([group, indexes]) => [group, { ...sinks.latency(indexes), relative: sinks.relativeLatency(indexes) }]),
    );
    return {
      forwarded: sinks.received,
      expected: sent * window.subscribers,
      cpuSeconds: readings.reduce((total, reading) => total + reading.cpuSeconds, 0),
      cpuSecondsByGroup,
      wallSeconds: readings[0]!.wallSeconds,
      ...sinks.latency(),
      latencyByGroup,
    };
  } finally {
    publishers.stop();
  }
}

/** Forwarded packets per core-second, the figure the forwarding bars compare. */
export function packetsPerCoreSecond(run: ForwardingRun): number {
  return run.forwarded / run.cpuSeconds;
}

/** Returns the figures of a run, as stored in a result. */
/** Settings of a forwarding benchmark, as its result records them. */
export function forwardingSettings(shape: unknown, window: ForwardingWindow): Record<string, unknown> {
  return { shape, subscribers: window.subscribers, warmupSeconds: window.warmupSeconds, durationSeconds: window.durationSeconds };
}

export function forwardingFigures(run: ForwardingRun): Record<string, Figure> {
  return {
    packetsPerCoreSecond: { value: packetsPerCoreSecond(run), unit: 'packets/core-s' },
    cpuMicrosecondsPerPacket: { value: (run.cpuSeconds / run.forwarded) * 1e6, unit: 'us/packet' },
    forwardedRate: { value: run.forwarded / run.wallSeconds, unit: 'packets/s' },
    cpu: { value: run.cpuSeconds / run.wallSeconds, unit: 'cores' },
    loss: { value: Math.max(0, 1 - run.forwarded / run.expected) * 100, unit: '%' },
    latencyP50: { value: run.p50Ms, unit: 'ms' },
    latencyP99: { value: run.p99Ms, unit: 'ms' },
  };
}
