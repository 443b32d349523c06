import { chromium, type Browser } from 'playwright-core';

import type { TrackStats } from '@sfu-cluster/client';

/** Debian's chromium package; the test never downloads a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for a headless Chromium that reaches only loopback: no background
 * networking, updates or sync (their requests fail on a closed network), and
 * a fake camera and microphone that need no permission prompt.
 * Playwright adds --headless and a fresh temporary --user-data-dir itself.
 */
export const CHROMIUM_FLAGS = [
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

export type SelectorState = 'attached' | 'detached' | 'visible' | 'hidden';

/**
 * The part of playwright's Page the scenarios use. A Chromium page is a
 * playwright Page; a Firefox page wraps a puppeteer page (see firefox.ts).
 * Use only these members on participant pages, so a scenario runs in both.
 */
export interface MeetingPage {
  goto(url: string, options: { timeout: number }): Promise<unknown>;
  locator(selector: string): {
    click(options?: { timeout?: number }): Promise<void>;
    count(): Promise<number>;
    textContent(): Promise<string | null>;
    allTextContents(): Promise<string[]>;
  };
  waitForSelector(selector: string, options: { state: SelectorState; timeout: number }): Promise<unknown>;
  waitForFunction<Arg>(condition: (arg: Arg) => unknown, arg: Arg, options: { timeout: number }): Promise<unknown>;
  evaluate<Result, Arg>(fn: (arg: Arg) => Result | Promise<Result>, arg?: Arg): Promise<Result>;
  $$eval<Result>(selector: string, fn: (elements: Element[]) => Result): Promise<Result>;
  getAttribute(selector: string, name: string): Promise<string | null>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
}

/** A fresh page and the page errors and console errors it reports from now on. */
export interface OpenedPage {
  page: MeetingPage;
  problems: string[];
}

export interface Participant {
  name: string;
  page: MeetingPage;
  /** Browser name and version, such as "chromium 150.0.7871.100" or "firefox 140.12.0". */
  browser: string;
  peerId: string;
  nodeId: string;
  /** Date.now() when the join button was clicked. */
  joinClickedAt: number;
  /** Page errors and console errors, kept for the failure report. */
  problems: string[];
}

/** Opens a page in a fresh Chromium context, with the viewport and locale a Firefox page gets too. */
export async function openChromiumPage(browser: Browser): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  return { page, problems };
}

/** Opens the meeting page in a fresh Chromium context and joins; see joinOnPage. */
export async function joinMeeting(browser: Browser, pageUrl: string, name: string, failureScreenshot: string): Promise<Participant> {
  return joinOnPage(await openChromiumPage(browser), `chromium ${browser.version()}`, pageUrl, name, failureScreenshot);
}

/** Opens the meeting page on a fresh page of either browser and joins; on failure it saves a screenshot and throws what the page showed. */
export async function joinOnPage(opened: OpenedPage, browser: string, pageUrl: string, name: string, failureScreenshot: string): Promise<Participant> {
  const { page, problems } = opened;
  await page.goto(pageUrl, { timeout: 15_000 });
  await page.locator('#join').click({ timeout: 10_000 });
  const joinClickedAt = Date.now();

  try {
    await page.waitForFunction(() => window.meetingRoom?.peerId !== undefined, undefined, { timeout: 20_000 });
  } catch (error) {
    await page.screenshot({ path: failureScreenshot }).catch(() => undefined);
    const pageText = await page.locator('#form-error, #notices').allTextContents().catch(() => []);
    throw new Error(`${name} (${browser}) did not join: ${(error as Error).message}; page shows "${pageText.join(' ').trim()}"; ${problems.join('; ')}`);
  }
  const ids = await page.evaluate(() => ({ peerId: window.meetingRoom?.peerId ?? '', nodeId: window.meetingRoom?.nodeId ?? '' }));
  return { name, page, browser, joinClickedAt, problems, ...ids };
}

export async function pageStats(page: MeetingPage): Promise<PageTrackStats[]> {
  return page.evaluate(async () => ((await window.meetingRoom?.stats()) ?? []) as PageTrackStats[]);
}

declare global {
  interface Window {
    meetingRoom?: { peerId?: string; nodeId?: string; stats(): Promise<unknown[]> };
  }
}
