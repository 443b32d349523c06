import { ConfigError } from '@sfu-cluster/config';

/** Runs a config loader and returns the problems of the ConfigError it throws; fails when it throws none. */
export function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
