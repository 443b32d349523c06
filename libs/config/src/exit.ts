import { ConfigError } from './errors';

/**
 * Runs a config loader at process start; on a ConfigError prints each problem
 * as one line on stderr and exits with status 78 (EX_CONFIG), so an
 * orchestrator shows the fix instead of a stack trace.
 */
export function loadOrExit<T>(load: () => T, processName: string): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) {
      process.stderr.write(`${processName}: config error: ${problem}\n`);
    }
    process.exit(78);
  }
}
