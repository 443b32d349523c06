/**
 * Resolves when the person at the terminal quits: q or Ctrl-C on a
 * terminal stdin, or SIGINT or SIGTERM. The returned release() restores the
 * terminal and removes the listeners; call it once the caller stops.
 */
export function waitForQuit(stdin: NodeJS.ReadStream = process.stdin): { quit: Promise<void>; release: () => void } {
  let resolveQuit!: () => void;
  const quit = new Promise<void>((resolve) => (resolveQuit = resolve));

  const onKey = (data: Buffer): void => {
    const key = data.toString('utf8');
    // NOTE: in raw mode Ctrl-C arrives as the byte 0x03 instead of a SIGINT.
    if (key === 'q' || key === 'Q' || key === '\u0003') resolveQuit();
  };
  const onSignal = (): void => resolveQuit();

  const raw = stdin.isTTY === true;
  if (raw) {
    stdin.setRawMode(true);
    stdin.on('data', onKey);
    stdin.resume();
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const release = (): void => {
    if (raw) {
      stdin.off('data', onKey);
      stdin.setRawMode(false);
      stdin.pause();
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  return { quit, release };
}
