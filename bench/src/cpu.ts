import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (getconf CLK_TCK), the unit of utime and stime in /proc. */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (!Number.isInteger(ticksPerSecond) || ticksPerSecond < 1) throw new Error(`getconf CLK_TCK printed an invalid value: ${ticksPerSecond}`);
  }
  return ticksPerSecond;
}

/** Seconds of CPU (utime + stime from /proc/<pid>/stat) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name in field 2 may contain spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}

/** CPU seconds of a set of processes, read together at start() and again at stop(). */
export class CpuMeter {
  private startSeconds = 0;
  private startedAt = 0n;

  constructor(private readonly pids: number[]) {}

  private total(): number {
    return this.pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  }

  start(): void {
    this.startSeconds = this.total();
    this.startedAt = process.hrtime.bigint();
  }

  /** Returns CPU seconds and wall seconds since start(). */
  stop(): { cpuSeconds: number; wallSeconds: number } {
    return {
      cpuSeconds: this.total() - this.startSeconds,
      wallSeconds: Number(process.hrtime.bigint() - this.startedAt) / 1e9,
    };
  }
}
