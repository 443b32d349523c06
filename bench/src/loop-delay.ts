import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * Event-loop delay of this process while a measurement runs. The WebRTC
 * clients run in the benchmark process, so a busy loop delays their packets
 * and timestamps. The notes report it beside the figures it inflates.
 */
export class LoopDelay {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  start(): void {
    this.histogram.reset();
    this.histogram.enable();
  }

  /** Stops sampling and returns the p99 and max delay in ms. */
  stop(): { p99Ms: number; maxMs: number } {
    this.histogram.disable();
    return { p99Ms: this.histogram.percentile(99) / 1e6, maxMs: this.histogram.max / 1e6 };
  }
}

/** Describes a delay as a phrase for notes. */
export function formatLoopDelay(delay: { p99Ms: number; maxMs: number }): string {
  return `event-loop delay of the benchmark process p99 ${Math.round(delay.p99Ms)} ms, max ${Math.round(delay.maxMs)} ms`;
}
