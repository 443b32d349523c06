import { join } from 'node:path';

import type { Page } from 'playwright-core';

import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { MeetingTestClient } from '@sfu-cluster/testkit';

import { launchChromium } from './browser';
import { runScenario, type ScenarioContext } from './scenario';

/** The whole run's deadline; a hung step fails the run instead of hanging it. */
const RUN_TIMEOUT_MS = 150_000;
/** Maximum time from a peer's completed join until the console lists it. */
const NEW_PEER_MS = 2000;
/** Time the nodes get to sample the pipe's first bitrate; SFU nodes sample every 2 s. */
const PIPE_BITRATE_MS = 15_000;
/** Chinese characters (CJK Unified Ideographs). */
const CJK = /[\u4e00-\u9fff]/;

/**
 * Three Node WebRTC peers publish audio and video in one room; with
 * SFU_MAX_PEERS=2 the third lands on the second SFU node, so the room spans
 * both nodes and a pipe carries media between them. The console must show
 * both nodes, the pipe and the room, list a fourth peer within 2 s of its
 * join, and read in English and in Chinese.
 */
runScenario('console', RUN_TIMEOUT_MS, async (context) => {
  const failures = context.failures;
  const clients: MeetingTestClient[] = [];
  context.defer(() => clients.forEach((client) => client.close()));

  context.say('starting a local cluster: 2 signaling, 2 SFU (SFU_MAX_PEERS=2), web');
  const cluster = await context.startCluster({ lifecyclePort: null, env: { SFU_MAX_PEERS: '2' } });
  const web = cluster.web?.url as string;
  const signaling = cluster.signaling[0]?.url as string;

  const room = `console-${Date.now()}`;
  for (const identity of ['alice', 'bob', 'carol']) {
    const client = await MeetingTestClient.join(signaling, await signToken(LOCAL_JWT_SECRET, { identity, room }), { publish: ['audio', 'video'] });
    clients.push(client);
    context.say(`${identity} joined as ${client.peerId} on ${client.answer.nodeId}`);
  }
  const nodeIds = [...new Set(clients.map((client) => client.answer.nodeId))].sort();
  if (nodeIds.length !== 2) throw new Error(`the three peers are on ${nodeIds.join(', ')}; expected both SFU nodes`);

  const browser = await launchChromium();
  context.defer(() => browser.close());
  const browserContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
  const page = await browserContext.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  context.defer(() => problems.forEach((problem) => context.say(`console page: ${problem}`)));

  failures.push(...(await checkRejectedToken(page, web, signaling, room)));
  // Chromium logs each 403 of that step as a console error; only errors from here on count.
  problems.length = 0;
  const adminToken = await signToken(LOCAL_JWT_SECRET, { identity: 'e2e-operator', room: '*', grants: { admin: true } });
  await page.goto(`${web}/console?${new URLSearchParams({ token: adminToken, signaling })}`, { timeout: 15_000 });
  failures.push(...(await checkMap(context, page, nodeIds, room)));

  await page.locator(`.room-link[data-room-id="${room}"]`).first().click({ timeout: 5000 });
  for (const client of clients) {
    await page.waitForSelector(`.peer-table tr[data-peer-id="${client.peerId}"]`, { state: 'attached', timeout: 5000 });
  }
  context.say('the room panel lists the three peers with their stats');

  failures.push(...(await checkNewPeer(context, page, signaling, room, clients)));
  await page.screenshot({ path: join(context.artifacts, 'console-en.png'), fullPage: true });

  failures.push(...(await checkChinese(page, join(context.artifacts, 'console-zh-CN.png'))));
  await page.locator('#language').click();
  failures.push(...(await checkDrainButtons(context, page, nodeIds[1] as string)));
  if (problems.length > 0) failures.push(`the console page reported errors: ${problems.join('; ')}`);
});

/** Opens the console with a participant's token: signaling rejects it (403), and the page must return to the login form with that error. */
async function checkRejectedToken(page: Page, web: string, signaling: string, room: string): Promise<string[]> {
  const token = await signToken(LOCAL_JWT_SECRET, { identity: 'not-an-operator', room });
  await page.goto(`${web}/console?${new URLSearchParams({ token, signaling })}`, { timeout: 15_000 });

  try {
    await page.waitForSelector('#login-error:has-text("admin grant")', { state: 'visible', timeout: 5000 });
    return [];
  } catch {
    const errorText = await page.locator('#login-error').textContent();
    return [`with a token without the admin grant, the console did not show the 403 on the login form; it shows "${errorText ?? ''}"`];
  }
}

/** Checks that the map shows a box for each node, the room on both, and a pipe line between them whose bitrate rises above 0. */
async function checkMap(context: ScenarioContext, page: Page, nodeIds: string[], room: string): Promise<string[]> {
  const failures: string[] = [];

  for (const nodeId of nodeIds) {
    try {
      await page.waitForSelector(`.node-box[data-node-id="${nodeId}"] .room-link[data-room-id="${room}"]`, { state: 'visible', timeout: 10_000 });
    } catch {
      failures.push(`the console shows no box for node ${nodeId} with room ${room} within 10 s`);
    }
  }

  const pipe = `line.pipe-line[data-nodes="${nodeIds.join(' ')}"]`;
  try {
    await page.waitForSelector(pipe, { state: 'attached', timeout: 10_000 });
    await page.waitForFunction((selector) => Number(document.querySelector(selector)?.getAttribute('data-bitrate')) > 0, pipe, { timeout: PIPE_BITRATE_MS });
    const line = await page.evaluate((selector) => {
      const element = document.querySelector(selector);
      return { bitrate: element?.getAttribute('data-bitrate'), width: element?.getAttribute('stroke-width') };
    }, pipe);
    context.say(`the console shows both nodes and the pipe between them: ${line.bitrate} bit/s, stroke width ${line.width}`);
  } catch {
    failures.push(`the console shows no pipe line between ${nodeIds.join(' and ')} with a bitrate above 0`);
  }
  return failures;
}

/**
 * Joins one more peer and checks that the room panel lists it within
 * NEW_PEER_MS of the join's completion. The page records when each render
 * of the panel happens, so the bound is measured on the page's clock when
 * the row appeared, not when the test noticed it.
 */
async function checkNewPeer(context: ScenarioContext, page: Page, signaling: string, room: string, clients: MeetingTestClient[]): Promise<string[]> {
  await page.evaluate(() => {
    const renders: PanelRender[] = [];
    window.panelRenders = renders;
    // The console updates the panel in place, so watch the whole subtree and keep one entry per change of the listed peers.
    new MutationObserver(() => {
      const peerIds = Array.from(document.querySelectorAll<HTMLElement>('.peer-table tr[data-peer-id]')).map((row) => row.dataset.peerId ?? '');
      if (renders.at(-1)?.peerIds.join() !== peerIds.join()) renders.push({ at: Date.now(), peerIds });
    }).observe(document.getElementById('room-body') as HTMLElement, { childList: true, subtree: true, characterData: true, attributes: true });
  });

  const dave = await MeetingTestClient.join(signaling, await signToken(LOCAL_JWT_SECRET, { identity: 'dave', room }), { publish: [] });
  const joinedAt = Date.now();
  clients.push(dave);

  const row = `.peer-table tr[data-peer-id="${dave.peerId}"]`;
  const listed = await page.waitForSelector(row, { state: 'attached', timeout: 10_000 }).then(() => true, () => false);
  const renders = await page.evaluate(() => window.panelRenders ?? []);
  const first = renders.find((render) => render.peerIds.includes(dave.peerId));
  if (!listed) return [`the console did not list dave (${dave.peerId}, on ${dave.answer.nodeId}) even 10 s after the join`];
  if (!first) return ['the page recorded no render of the room panel that lists dave'];

  const shownMs = first.at - joinedAt;
  context.say(`dave joined as ${dave.peerId} on ${dave.answer.nodeId}; the console listed it ${shownMs} ms after the join completed`);
  const failures: string[] = [];
  if (shownMs > NEW_PEER_MS) {
    const timeline = renders.map((render) => `${render.at - joinedAt} ms: ${render.peerIds.length} peers`).join(', ');
    context.say(`panel renders after the join: ${timeline}`);
    context.say(`admin requests around the join (start relative to the join, duration):\n${await adminRequestTimings(page, joinedAt)}`);
    failures.push(`the console listed dave ${shownMs} ms after the join; the bound is ${NEW_PEER_MS} ms`);
  }

  const inTree = await page.locator(`.tree-node[data-node-id="${dave.answer.nodeId}"] .tree-peer[data-peer-id="${dave.peerId}"]`).count();
  if (inTree !== 1) failures.push(`the room tree does not show dave under node ${dave.answer.nodeId}`);
  return failures;
}

/**
 * Drains a node and cancels the drain through the console's buttons, each
 * after the confirmation dialog: the node's badge must turn draining, then
 * active again. These are the POST and DELETE admin calls across origins.
 */
async function checkDrainButtons(context: ScenarioContext, page: Page, nodeId: string): Promise<string[]> {
  const box = `.node-box[data-node-id="${nodeId}"]`;
  const steps: { button: string; badge: string }[] = [
    { button: `${box} button[data-action="drain"]`, badge: 'draining' },
    { button: `${box} button[data-action="cancel-drain"]`, badge: 'active' },
  ];

  for (const step of steps) {
    try {
      await page.locator(step.button).click({ timeout: 5000 });
      await page.waitForSelector('#confirm-dialog[open]', { state: 'visible', timeout: 2000 });
      await page.locator('#confirm-ok').click({ timeout: 2000 });
      await page.waitForSelector(`${box} .state-badge.state-${step.badge}`, { state: 'visible', timeout: 5000 });
    } catch (error) {
      const outcome = await page.locator('#action-status').textContent();
      return [`the console did not turn ${nodeId} ${step.badge} through ${step.button}: ${(error as Error).message.split('\n')[0]}; the page shows "${outcome ?? ''}"`];
    }
  }
  context.say(`drained ${nodeId} and cancelled the drain through the console's buttons and confirmation dialog`);
  return [];
}

/** Lists the page's admin API requests from 2 s before since, one line each, for a failure report. */
async function adminRequestTimings(page: Page, since: number): Promise<string> {
  const entries = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((entry) => entry.name.includes('/api/v1/admin/'))
      .map((entry) => ({ path: new URL(entry.name).pathname, startedAt: performance.timeOrigin + entry.startTime, durationMs: entry.duration })),
  );
  return entries
    .filter((entry) => entry.startedAt >= since - 2000)
    .map((entry) => `  ${Math.round(entry.startedAt - since)} ms ${entry.path} ${Math.round(entry.durationMs)} ms`)
    .join('\n');
}

/** Switches the console to Chinese, checks that the page title, badges, tree and stats read in Chinese, and saves a screenshot. */
async function checkChinese(page: Page, screenshotPath: string): Promise<string[]> {
  const failures: string[] = [];

  await page.locator('#language').click();
  if ((await page.getAttribute('html', 'lang')) !== 'zh-CN') failures.push('html lang is not zh-CN after the language switch');

  const selectors = ['header h1', '.state-badge', '.node-action', '.map-legend', '#room-title', '.room-summary', '.tree-node > .tree-label', '.peer-table caption', '#move-room', '#forget-token'];
  for (const selector of selectors) {
    const texts = await page.locator(selector).allTextContents();
    if (texts.length === 0) failures.push(`in Chinese, the page has no ${selector}`);
    for (const text of texts) {
      if (!CJK.test(text)) failures.push(`in Chinese, ${selector} still reads "${text}"`);
    }
  }
  if ((await page.title()) !== '集群控制台') failures.push(`in Chinese, the page title reads "${await page.title()}"`);

  await page.screenshot({ path: screenshotPath, fullPage: true });
  return failures;
}

/** A change of the peers the room panel lists: when, and which peers its stats table listed from then on. */
interface PanelRender {
  at: number;
  peerIds: string[];
}

declare global {
  interface Window {
    panelRenders?: PanelRender[];
  }
}
