import { readFileSync } from 'node:fs';

/** Resident set size of a process in MB, from VmRSS in /proc/<pid>/status; undefined once it has exited. */
export function rssMegabytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** RSS samples of one process: seconds since the first sample, and MB. */
export interface RssSeries {
  name: string;
  pid: number;
  samples: { seconds: number; megabytes: number }[];
}

/** Least-squares slope of megabytes over time, in MB per hour; NaN with fewer than two samples. */
export function slopePerHour(samples: RssSeries['samples']): number {
  const count = samples.length;
  if (count < 2) return NaN;

  const meanSeconds = samples.reduce((sum, sample) => sum + sample.seconds, 0) / count;
  const meanMegabytes = samples.reduce((sum, sample) => sum + sample.megabytes, 0) / count;
  let covariance = 0;
  let variance = 0;
  for (const sample of samples) {
    covariance += (sample.seconds - meanSeconds) * (sample.megabytes - meanMegabytes);
    variance += (sample.seconds - meanSeconds) ** 2;
  }
  return (covariance / variance) * 3600;
}

/** Samples the RSS of a fixed set of named processes on a timer. */
export class RssSampler {
  readonly series: RssSeries[];
  private readonly startedAt = Date.now();
  private timer?: NodeJS.Timeout;

  constructor(processes: { name: string; pid: number }[]) {
    this.series = processes.map(({ name, pid }) => ({ name, pid, samples: [] }));
  }

  start(intervalMs: number): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    const seconds = (Date.now() - this.startedAt) / 1000;
    for (const entry of this.series) {
      const megabytes = rssMegabytes(entry.pid);
      if (megabytes !== undefined) entry.samples.push({ seconds, megabytes });
    }
  }
}
