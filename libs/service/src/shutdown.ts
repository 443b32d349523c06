import type { Logger } from '@sfu-cluster/logger';

export type ShutdownStep = { name: string; run: () => Promise<void> | void };

/**
 * Runs the steps in order on SIGINT or SIGTERM, then exits 0. A step that
 * fails is logged and the rest still run. A second signal exits at once
 * with status 1, for an operator who does not want to wait.
 */
export function onShutdown(logger: Logger, steps: ShutdownStep[]): void {
  let stopping = false;

  const stop = async (signal: string): Promise<void> => {
    if (stopping) {
      logger.warn('second signal, exiting without finishing shutdown', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('shutting down', { signal });

    for (const step of steps) {
      try {
        await step.run();
      } catch (error) {
        logger.error('shutdown step failed; continuing with the next', { step: step.name, error });
      }
    }

    logger.info('stopped');
    process.exit(0);
  };

  process.on('SIGINT', (signal) => void stop(signal));
  process.on('SIGTERM', (signal) => void stop(signal));
}
