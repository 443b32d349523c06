/**
 * Runs a process's main function. A start-up failure prints one line on
 * stderr and exits 1, instead of an unhandled rejection's stack trace.
 */
export function runMain(processName: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${processName}: could not start: ${message}\n`);
    process.exit(1);
  });
}
