import type { Logger } from '@sfu-cluster/logger';

export type ShutdownStep = { name: string; run: () => Promise<void> | void };

export interface ShutdownOptions {
  /**
   * Called on SIGTERM instead of stopping, for a process that first drains
   * (an SFU node lets its rooms finish). SIGINT still stops at once.
   */
  onSigterm?: () => void;
}

/**
 * Runs the steps in order on SIGINT or SIGTERM, then exits 0. A step that
 * fails is logged and the rest still run. A second signal exits at once
 * with status 1, for an operator who does not want to wait.
 */
export function onShutdown(logger: Logger, steps: ShutdownStep[], options: ShutdownOptions = {}): () => Promise<void> {
  let stopping = false;

  const stop = async (signal: string): Promise<void> => {
    if (stopping && signal === 'shutdown') return;
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
        // The message only: a client library's error object can carry the command it ran, password included.
        logger.error('shutdown step failed; continuing with the next', { step: step.name, error: (error as Error).message });
      }
    }

    logger.info('stopped');
    process.exit(0);
  };

  process.on('SIGINT', (signal) => void stop(signal));
  process.on('SIGTERM', (signal) => {
    if (options.onSigterm && !stopping) options.onSigterm();
    else void stop(signal);
  });

  return () => stop('shutdown');
}
