import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** The built CLI; tests run it as a child process, the way an operator does. */
const CLI = join(__dirname, '..', 'dist', 'cli.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs sfuctl with the given arguments and resolves with its exit status and
 * output. SFUCTL_* variables of the test's own environment are dropped so
 * only `env` sets them; the child is killed after timeoutMs.
 */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 20_000): Promise<CliResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SFUCTL_')));

  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...base, CLUSTER_MODE: 'local', NO_COLOR: '', ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        let status: number | null = 0;
        if (error !== null) status = typeof error.code === 'number' ? error.code : null;
        resolve({ status, stdout, stderr });
      },
    );
  });
}
