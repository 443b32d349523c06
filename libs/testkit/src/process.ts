import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

import { WaitAborted, waitFor } from './wait';

export interface ManagedProcessOptions {
  /** Short label, used as the prefix of relayed output lines. */
  name: string;
  command: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called with every line the process writes to stdout or stderr. */
  onLine?: (line: string) => void;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** True while a process with this id exists (signal 0 checks without sending anything). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Lines kept per process for waitForLine and for failure reports. */
const KEPT_LINES = 2000;

/** Every process started here and not yet exited, killed if this process exits first. */
const live = new Set<ManagedProcess>();
process.on('exit', () => {
  for (const child of live) child.killGroupNow();
});

/**
 * A child process in its own process group, so that stopping it also stops
 * what it spawned (mediasoup workers), and a terminal's Ctrl-C reaches only
 * the launcher, which then stops children in order.
 */
export class ManagedProcess {
  readonly name: string;
  readonly lines: string[] = [];
  private child?: ChildProcess;
  private exitStatus?: ExitStatus;
  private readonly exited: Promise<ExitStatus>;
  private resolveExit!: (status: ExitStatus) => void;

  constructor(private readonly options: ManagedProcessOptions) {
    this.name = options.name;
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  get pid(): number {
    if (this.child?.pid === undefined) throw new Error(`${this.name} has not started`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitStatus === undefined;
  }

  start(): void {
    const child = spawn(this.options.command, this.options.args ?? [], {
      cwd: this.options.cwd,
      env: this.options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    live.add(this);

    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.record(line));
    }

    child.on('error', (error) => this.record(`could not start ${this.options.command}: ${error.message}`));
    child.on('exit', (code, signal) => {
      this.exitStatus = { code, signal };
      live.delete(this);
      this.resolveExit(this.exitStatus);
    });
  }

  /** Resolves with the first line matching pattern, from the start of the output. */
  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    return waitFor(
      `${this.name} to print ${pattern}`,
      () => {
        if (this.exitStatus) throw new WaitAborted(`${this.name} exited: ${this.describeExit()}`);
        return this.lines.find((line) => pattern.test(line));
      },
      timeoutMs,
    );
  }

  /** Resolves once GET url returns 200. */
  async waitForHttp(url: string, timeoutMs: number): Promise<void> {
    await waitFor(
      `${this.name} to answer ${url}`,
      async () => {
        if (this.exitStatus) throw new WaitAborted(`${this.name} exited: ${this.describeExit()}`);
        const response = await fetch(url);
        return response.ok;
      },
      timeoutMs,
      100,
    );
  }

  /** Resolves with the exit status whenever the process exits. */
  whenExited(): Promise<ExitStatus> {
    return this.exited;
  }

  /** Resolves with the exit status, or rejects after timeoutMs. */
  async waitForExit(timeoutMs: number): Promise<ExitStatus> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name} did not exit within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends signal to the process alone (group false) or to its whole group. */
  kill(signal: NodeJS.Signals, options: { group: boolean } = { group: false }): void {
    if (!this.running) return;
    process.kill(options.group ? -this.pid : this.pid, signal);
  }

  /**
   * Asks the process to stop with signal and waits up to graceMs; then
   * kills its whole group. Safe to call twice or after it exited.
   */
  async stop(graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitStatus> {
    if (this.child === undefined) return { code: null, signal: null };
    if (this.running) this.kill(signal);

    try {
      return await this.waitForExit(graceMs);
    } catch {
      this.killGroupNow();
      return this.exited;
    } finally {
      // Whatever the process spawned and left behind goes too.
      this.killGroupNow();
    }
  }

  /** SIGKILL to the whole group, at once; for exit handlers. */
  killGroupNow(): void {
    if (this.child?.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  }

  describeExit(): string {
    if (!this.exitStatus) return 'still running';
    const { code, signal } = this.exitStatus;
    const tail = this.lines.slice(-20).join('\n');
    return `${signal ? `signal ${signal}` : `code ${code}`}; last output:\n${tail}`;
  }

  private record(line: string): void {
    this.lines.push(line);
    if (this.lines.length > KEPT_LINES) this.lines.shift();
    this.options.onLine?.(line);
  }
}
