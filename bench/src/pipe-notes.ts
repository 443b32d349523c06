import type { ForwardingRun } from './forwarding';
import type { PipeBenchOptions, PipeFigures } from './pipe';
import { LATENCY_BAR_MS } from './pipe-bars';
import type { Bar } from './result';

function cpuLine(name: string, run: ForwardingRun): string {
  const groups = run.cpuSecondsByGroup;
  return (
    `${name} ${run.cpuSeconds.toFixed(2)} s in ${run.wallSeconds.toFixed(1)} s (publishers' node process ${groups.originNode!.toFixed(2)} ` +
    `and worker ${groups.originWorker!.toFixed(2)}, second node process ${groups.secondNode!.toFixed(2)} and worker ${groups.secondWorker!.toFixed(2)}, ` +
    `Redis ${groups.redis!.toFixed(2)})`
  );
}

function latencyLine(name: string, run: ForwardingRun): string {
  const { local, piped } = run.latencyByGroup;
  return `${name}: first half p50 ${local!.p50Ms.toFixed(2)} / p99 ${local!.p99Ms.toFixed(2)} ms, second half p50 ${piped!.p50Ms.toFixed(2)} / p99 ${piped!.p99Ms.toFixed(2)} ms`;
}

/** Sentences on the setup, the CPU and latency of each run, and what limits the figures. */
export function pipeNotes(options: PipeBenchOptions, split: ForwardingRun, baseline: ForwardingRun, derived: PipeFigures, bars: Bar[]): string[] {
  const { shape } = options;
  const pipedSubscribers = Math.floor(options.subscribers / 2);
  const packetsPerConsumerSecond = baseline.forwarded / baseline.wallSeconds / (shape.publishers * options.subscribers);
  const notes = [
    `Workload "${shape.name}": ${shape.publishers} publishers x ${options.subscribers} subscribers on Redis and two SFU nodes, the publishers on the first node. ` +
      `The baseline keeps every subscriber there; the split run moves the second half (${pipedSubscribers}) to the second node, so each of the ` +
      `${shape.publishers} producers is piped once, over one PipeTransport pair for the room.`,
    `CPU (both nodes' processes and workers, and Redis): ${cpuLine('baseline', baseline)}; ${cpuLine('split', split)}.`,
    `One consumer's CPU is the baseline's CPU per forwarded packet (${((baseline.cpuSeconds / baseline.forwarded) * 1e6).toFixed(2)} us) times one consumer's ` +
      `${packetsPerConsumerSecond.toFixed(0)} packets/s: ${(derived.consumerCores * 1000).toFixed(2)} CPU ms/s. It spreads the control plane and each ` +
      `producer's receive over the consumers. The pipe hop's ${(derived.pipeCoresPerProducer * 1000).toFixed(2)} CPU ms/s per producer is the split run's ` +
      `cores minus the baseline's, over ${shape.publishers} producers.`,
    `Latency, one way from generator to sink. ${latencyLine('Baseline', baseline)}. ${latencyLine('Split', split)}; the second half is the piped one.`,
    'Paired latency takes each packet at a sink of the second half and subtracts that packet\'s mean latency at the first half, so delays of ' +
      `the benchmark process mostly cancel. Split run: p50 ${split.latencyByGroup.piped!.relative.p50Ms.toFixed(3)} ms, p99 ${derived.pairedP99Ms.toFixed(3)} ms; ` +
      `baseline, where no pipe is involved: p50 ${baseline.latencyByGroup.piped!.relative.p50Ms.toFixed(3)} ms, p99 ${derived.baselinePairedP99Ms.toFixed(3)} ms. ` +
      'It is a within-run figure, not the bar.',
    `/proc counts CPU in 10 ms ticks, so each run's reading of its 5 processes is off by up to 0.05 s, and the difference of two runs by up to ` +
      `${((0.1 / split.wallSeconds / shape.publishers) * 1000).toFixed(2)} CPU ms/s per producer; the machine's other load may also change between the two runs.`,
    'Latency is measured in the benchmark\'s own Node process, which generates and receives every packet: its p99 mostly shows that ' +
      'event loop\'s delay, and the difference between the two halves of the baseline, where both are local, shows how far it moves without a pipe.',
  ];
  if (!bars[0]!.met) {
    notes.push(
      'Missed CPU: each piped producer adds a pipe consumer on the publishers\' node, which sends every packet once more over the pipe, and on the ' +
        'second node a pipe transport that receives and parses it and a pipe producer that feeds the local consumers. That is about one consumer ' +
        'and one producer\'s receive, not one consumer alone. Each packet also wakes two worker processes instead of one, each for half the consumers.',
    );
  }
  const baselineSpreadMs = Math.abs(baseline.latencyByGroup.piped!.p99Ms - baseline.latencyByGroup.local!.p99Ms);
  if (baselineSpreadMs > LATENCY_BAR_MS) {
    notes.push(
      `The latency bar is finer than this run can resolve: with no pipe, the two halves of the baseline differ by ${baselineSpreadMs.toFixed(2)} ms in p99, ` +
        'so the added p99 is met or missed by the machine\'s load, not by the pipe.',
    );
  }
  if (!bars[1]!.met) {
    notes.push(
      `Missed latency: the piped half's p99 rose by ${derived.addedP99Ms.toFixed(2)} ms. The pipe adds one loopback hop and one pass through a ` +
        'second worker; compare that rise with the spread between the halves of the baseline before reading it as the pipe\'s cost.',
    );
  }
  return notes;
}
