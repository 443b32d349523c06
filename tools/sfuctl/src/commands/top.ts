import { setTimeout as sleep } from 'node:timers/promises';

import type { AdminClient } from '../admin-client';
import type { Command, CommandContext } from '../command';
import { formatTopFrame } from '../format/top-frame';
import { waitForQuit } from '../terminal';
import type { NodesResponse } from '../types';

/** Time between two frames; node records refresh once a second, so faster shows nothing new. */
const REFRESH_MS = 1000;

/** Clears the terminal and moves the cursor home. */
const CLEAR_SCREEN = '\x1b[2J\x1b[H';

export const topCommand: Command = {
  name: 'top',
  arguments: [],
  synopsis: '[--once]',
  summary: 'show node load, redrawn every second until q or Ctrl-C; --once prints one frame and exits (--json: one JSON line per frame)',
  options: { once: { type: 'boolean', default: false } },
  async run(context) {
    const client = await context.client();
    if (context.options.once) {
      await drawFrame(context, client);
      return;
    }

    const { quit, release } = waitForQuit();
    const quitting = new AbortController();
    void quit.then(() => quitting.abort());
    try {
      // Runs until the person quits; each pass is one request and one frame.
      while (!quitting.signal.aborted) {
        await drawFrame(context, client).catch((error: Error) => showFailure(context, error));
        await sleep(REFRESH_MS, undefined, { signal: quitting.signal }).catch(() => undefined);
      }
    } finally {
      release();
    }
  },
};

async function drawFrame(context: CommandContext, client: AdminClient): Promise<void> {
  const response = await client.get<NodesResponse>('/api/v1/admin/nodes');
  if (context.json) {
    context.stdout.write(`${JSON.stringify(response)}\n`);
    return;
  }
  const once = context.options.once === true;
  context.stdout.write((once ? '' : clearFor(context)) + formatTopFrame(response, client.baseUrl, context.palette));
}

/** Clears the screen on a terminal; elsewhere frames follow one another, a blank line apart. */
function clearFor(context: CommandContext): string {
  return context.stdout.isTTY ? CLEAR_SCREEN : '\n';
}

/** Shows a failed refresh in place of the frame (on stderr with --json, so stdout stays JSON); the next refresh retries. */
function showFailure(context: CommandContext, error: Error): void {
  const message = `sfuctl top: ${error.message}\nretrying every ${REFRESH_MS / 1000} s; q or Ctrl-C quits\n`;
  if (context.json) context.stderr.write(message);
  else context.stdout.write(clearFor(context) + message);
}
