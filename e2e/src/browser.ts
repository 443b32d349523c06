import { chromium, type Browser, type Page } from 'playwright-core';

import type { TrackStats } from '@sfu-cluster/client';

/** Debian's chromium package; the test never downloads a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for a headless Chromium that reaches only loopback: no background
 * networking, updates or sync (their requests fail on a closed network), and
 * a fake camera and microphone that need no permission prompt.
 * Playwright adds --headless and a fresh temporary --user-data-dir itself.
 */
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS, timeout: 30_000 });
}

/** One track as the page's window.meetingRoom.stats() reports it: the client SDK's TrackStats. */
export type PageTrackStats = TrackStats;

export interface Participant {
  name: string;
  page: Page;
  peerId: string;
  nodeId: string;
  /** Date.now() when the join button was clicked. */
  joinClickedAt: number;
  /** Page errors and console errors, kept for the failure report. */
  problems: string[];
}

/** Opens the meeting page in a fresh context and joins; on failure it saves a screenshot and throws what the page showed. */
export async function joinMeeting(browser: Browser, pageUrl: string, name: string, failureScreenshot: string): Promise<Participant> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });

  await page.goto(pageUrl, { timeout: 15_000 });
  await page.locator('#join').click({ timeout: 10_000 });
  const joinClickedAt = Date.now();

  try {
    await page.waitForFunction(() => window.meetingRoom?.peerId !== undefined, undefined, { timeout: 20_000 });
  } catch (error) {
    await page.screenshot({ path: failureScreenshot }).catch(() => undefined);
    const pageText = await page.locator('#form-error, #notices').allTextContents().catch(() => []);
    throw new Error(`${name} did not join: ${(error as Error).message}; page shows "${pageText.join(' ').trim()}"; ${problems.join('; ')}`);
  }
  const ids = await page.evaluate(() => ({ peerId: window.meetingRoom?.peerId ?? '', nodeId: window.meetingRoom?.nodeId ?? '' }));
  return { name, page, joinClickedAt, problems, ...ids };
}

export async function pageStats(page: Page): Promise<PageTrackStats[]> {
  return page.evaluate(async () => ((await window.meetingRoom?.stats()) ?? []) as PageTrackStats[]);
}

declare global {
  interface Window {
    meetingRoom?: { peerId?: string; nodeId?: string; stats(): Promise<unknown[]> };
  }
}
