import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

import { repoRoot, startCluster, type LocalCluster } from '@sfu-cluster/testkit';

/** What a scenario gets from the runner: its artifact folder, its log line writer and cleanup registration. */
export interface ScenarioContext {
  /** test-artifacts/e2e/<scenario>: screenshots and cluster.log go here. */
  artifacts: string;
  /** Failed checks; the scenario fails when any is here at its end, so a later throw keeps the earlier ones. */
  failures: string[];
  say(line: string): void;
  /** Registers a cleanup step; steps run in reverse order after the scenario, also when it failed. */
  defer(step: () => Promise<unknown> | unknown): void;
  /** Starts a local cluster whose processes write their output to <artifacts>/cluster.log, stopped after the scenario. */
  startCluster(options?: Parameters<typeof startCluster>[0]): Promise<LocalCluster>;
}

/**
 * Runs one browser scenario as a process: body pushes the failed checks
 * to context.failures, every deferred cleanup runs, and the process exits 1 when any
 * check failed, the body threw, or the run passed timeoutMs.
 */
export function runScenario(name: string, timeoutMs: number, body: (context: ScenarioContext) => Promise<void>): void {
  const artifacts = join(repoRoot, 'test-artifacts', 'e2e', name);
  mkdirSync(artifacts, { recursive: true });
  const say = (line: string) => process.stdout.write(`[e2e ${name}] ${line}\n`);
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  let clusterLog: WriteStream | undefined;

  const context: ScenarioContext = {
    artifacts,
    failures: [],
    say,
    defer: (step) => cleanups.push(step),
    startCluster: async (options) => {
      clusterLog ??= createWriteStream(join(artifacts, 'cluster.log'));
      const log = clusterLog;
      const cluster = await startCluster({ ...options, onLine: (process, line) => log.write(`${process}: ${line}\n`) });
      cleanups.push(() => cluster.stop());
      return cluster;
    },
  };

  const deadline = setTimeout(() => {
    for (const failure of context.failures) say(`FAILED: ${failure}`);
    say(`FAILED: the run took longer than ${timeoutMs / 1000} s`);
    process.exit(1);
  }, timeoutMs);

  void run(body, context, cleanups).then((failures) => {
    clearTimeout(deadline);
    clusterLog?.end();
    if (failures.length > 0) {
      for (const failure of failures) say(`FAILED: ${failure}`);
      say(`artifacts and cluster output: ${artifacts}`);
      process.exit(1);
    }
    say(`passed; artifacts in ${artifacts}`);
  });
}

async function run(
  body: (context: ScenarioContext) => Promise<void>,
  context: ScenarioContext,
  cleanups: Array<() => Promise<unknown> | unknown>,
): Promise<string[]> {
  try {
    await body(context);
  } catch (error) {
    context.failures.push((error as Error).message);
  }

  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      context.say(`cleanup failed: ${(error as Error).message}`);
    }
  }
  return context.failures;
}
