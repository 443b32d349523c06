import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type Browser } from 'playwright-core';

import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './browser';
import { namespaceOption } from './netns';


/**
 * Launches Debian's Chromium, inside a network namespace when one is given.
 * Playwright runs the executable it is given with the DevTools pipe on file
 * descriptors 3 and 4, so a wrapper script that execs nsenter keeps
 * those descriptors and the process id, and playwright drives it as usual.
 * secureOrigins are http origins Chromium treats as secure: getUserMedia
 * needs a secure context, and only loopback origins are one without TLS.
 */
export async function launchChromiumOn(secureOrigins: string[], namespace?: string): Promise<Browser> {
  const args = [...CHROMIUM_FLAGS, `--unsafely-treat-insecure-origin-as-secure=${secureOrigins.join(',')}`];
  if (namespace === undefined) return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args, timeout: 30_000 });

  const folder = await mkdtemp(join(tmpdir(), `${namespace}-`));
  const wrapper = join(folder, 'chromium');
  await writeFile(wrapper, `#!/bin/sh\nexec nsenter '${namespaceOption(namespace)}' '${CHROMIUM_PATH}' "$@"\n`);
  await chmod(wrapper, 0o755);

  try {
    const browser = await chromium.launch({ executablePath: wrapper, headless: true, args, timeout: 30_000 });
    browser.on('disconnected', () => void rm(folder, { recursive: true, force: true }));
    return browser;
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}
