/**
 * Runs a process's main function. A start-up failure prints one line on
 * stderr and exits 1, instead of an unhandled rejection's stack trace.
 *
 * A promise rejected later and never handled (a library's call during a
 * Redis outage, say) is reported as one line and the process keeps
 * running: the state it owns is intact, and a restart would only drop the
 * rooms it serves. Only the error's name and message are printed, because
 * a client library's error can carry the command it ran, password included.
 */
export function runMain(processName: string, main: () => Promise<void>): void {
  process.on('unhandledRejection', (reason: unknown) => {
    process.stderr.write(`${processName}: unhandled rejection, continuing: ${describe(reason)}\n`);
  });
  process.on('uncaughtException', (error: Error) => {
    process.stderr.write(`${processName}: uncaught exception, exiting: ${describe(error)}\n${error.stack ?? ''}\n`);
    process.exit(1);
  });

  watchParent(processName);

  main().catch((error: unknown) => {
    process.stderr.write(`${processName}: could not start: ${describe(error)}\n`);
    process.exit(1);
  });
}

/** How often a child of the local launcher or a test checks that its parent still runs. */
const PARENT_CHECK_MS = 1000;

/**
 * Stops a process started by the local launcher or a test when its parent
 * is gone (killed with SIGKILL, for example), so no cluster is left running
 * without a process to stop it. SFU_CLUSTER_PARENT_PID names the parent.
 */
function watchParent(processName: string): void {
  const parent = Number(process.env.SFU_CLUSTER_PARENT_PID);
  if (!Number.isInteger(parent) || parent <= 1) return;

  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      clearInterval(timer);
      process.stderr.write(`${processName}: parent process ${parent} is gone; stopping\n`);
      process.kill(process.pid, 'SIGINT');
    }
  }, PARENT_CHECK_MS);
  timer.unref();
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
