import { forwardingFigures, forwardingSettings, type ForwardingRun, type ForwardingWindow } from './forwarding';
import { CPU_BAR, LATENCY_BAR_MS } from './pipe-bars';
import { pipeNotes } from './pipe-notes';
import { benchResult, type Bar, type BenchResult } from './result';
import { childPids, measureSfuForwarding, type SfuTarget } from './sfu-target';
import type { WorkloadShape } from './workload';

export interface PipeBenchOptions extends ForwardingWindow {
  shape: WorkloadShape;
  log: (line: string) => void;
}

/** Figures derived from the pipe benchmark's two runs. */
export interface PipeFigures {
  /** CPU seconds per second (cores) of one consumer in the baseline: CPU per forwarded packet times one consumer's packets per second. */
  consumerCores: number;
  /** Extra cores of the split run over the baseline, per piped producer. */
  pipeCoresPerProducer: number;
  /** p99 of the subscribers that the split run moves to the second node, in the split run minus in the baseline. */
  addedP99Ms: number;
  /** p99 over the piped half's packets of each one's latency minus the same packet's mean latency at the local half, in the split run. */
  pairedP99Ms: number;
  /** The same for the same two halves in the baseline, where neither is piped: what that measure reads without a pipe. */
  baselinePairedP99Ms: number;
}

/** Returns every process of the two nodes and Redis, each node's process apart from its mediasoup worker. */
function cpuGroups(target: SfuTarget): Record<string, number[]> {
  const [originPid, secondPid] = [0, 1].map((index) => target.cluster.sfu[index]!.process.pid);
  return {
    originNode: [originPid!],
    originWorker: childPids(originPid!),
    secondNode: [secondPid!],
    secondWorker: childPids(secondPid!),
    redis: [target.cluster.redis!.process.pid],
  };
}

function cores(run: ForwardingRun): number {
  return run.cpuSeconds / run.wallSeconds;
}

/**
 * Measures the extra CPU and latency of piping producers between SFU
 * nodes. Both runs start Redis and two SFU nodes, with the publishers on
 * the first. The baseline puts every subscriber there too. The split run
 * moves the second half of them to the second node, so each producer is
 * piped once.
 */
export async function runPipeBench(options: PipeBenchOptions): Promise<BenchResult> {
  if (options.subscribers < 2) throw new Error(`invalid --subscribers ${options.subscribers} for pipe: it splits subscribers over two nodes, so use 2 or more`);
  const localCount = Math.ceil(options.subscribers / 2);
  const indexes = Array.from({ length: options.subscribers }, (_, index) => index);
  const latencyGroups = { local: indexes.slice(0, localCount), piped: indexes.slice(localCount) };

  const baseline = await measureSfuForwarding(2, 'pipe-baseline', { ...options, latencyGroups }, cpuGroups);
  options.log(`pipe: baseline ${cores(baseline).toFixed(3)} cores, piped-group p99 ${baseline.latencyByGroup.piped!.p99Ms.toFixed(2)} ms`);
  const subscriberNodes = indexes.map((index) => (index < localCount ? 0 : 1));
  const split = await measureSfuForwarding(2, 'pipe', { ...options, latencyGroups, subscriberNodes }, cpuGroups);
  options.log(`pipe: split ${cores(split).toFixed(3)} cores, piped-group p99 ${split.latencyByGroup.piped!.p99Ms.toFixed(2)} ms`);

  return report(options, split, baseline);
}

function derive(options: PipeBenchOptions, split: ForwardingRun, baseline: ForwardingRun): PipeFigures {
  const consumers = options.shape.publishers * options.subscribers;
  const packetsPerConsumerSecond = baseline.forwarded / baseline.wallSeconds / consumers;
  return {
    consumerCores: (baseline.cpuSeconds / baseline.forwarded) * packetsPerConsumerSecond,
    pipeCoresPerProducer: (cores(split) - cores(baseline)) / options.shape.publishers,
    addedP99Ms: split.latencyByGroup.piped!.p99Ms - baseline.latencyByGroup.piped!.p99Ms,
    pairedP99Ms: split.latencyByGroup.piped!.relative.p99Ms,
    baselinePairedP99Ms: baseline.latencyByGroup.piped!.relative.p99Ms,
  };
}

function report(options: PipeBenchOptions, split: ForwardingRun, baseline: ForwardingRun): BenchResult {
  const derived = derive(options, split, baseline);
  const ratio = derived.pipeCoresPerProducer / derived.consumerCores;
  const bars: Bar[] = [
    { bar: `pipe CPU per piped producer / one consumer's <= ${CPU_BAR.toFixed(1)}`, value: ratio, met: ratio <= CPU_BAR },
    { bar: `added p99 latency <= ${LATENCY_BAR_MS} ms`, value: derived.addedP99Ms, met: derived.addedP99Ms <= LATENCY_BAR_MS },
  ];

  return benchResult({
    name: 'pipe',
    title: 'The cross-node pipe hop: extra CPU per piped producer and added latency',
    figures: {
      pipeCpuPerProducer: { value: derived.pipeCoresPerProducer * 1000, unit: 'CPU ms/s' },
      addedLatencyP99: { value: derived.addedP99Ms, unit: 'ms' },
      pipedLatencyP99: { value: split.latencyByGroup.piped!.p99Ms, unit: 'ms' },
      pairedLatencyP99: { value: derived.pairedP99Ms, unit: 'ms' },
      ...forwardingFigures(split),
    },
    baseline: {
      what: 'the same subscribers all on the publishers\' node',
      figures: {
        consumerCpu: { value: derived.consumerCores * 1000, unit: 'CPU ms/s' },
        latencyP99OfPipedGroup: { value: baseline.latencyByGroup.piped!.p99Ms, unit: 'ms' },
        pairedLatencyP99: { value: derived.baselinePairedP99Ms, unit: 'ms' },
        ...forwardingFigures(baseline),
      },
    },
    ratio,
    bars,
    settings: forwardingSettings(options.shape, options),
    notes: pipeNotes(options, split, baseline, derived, bars),
  });
}
