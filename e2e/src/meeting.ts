import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser } from 'playwright-core';

import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import { repoRoot, startCluster, type LocalCluster } from '@sfu-cluster/testkit';

import { joinMeeting, launchChromium, pageStats, type Participant } from './browser';
import { checkLanguageSwitch } from './language';
import { checkMediaRising, receivedFrom, waitForFullMesh } from './media-checks';
import { checkRoomMove } from './migration';
import { checkCameraToggle } from './toggles';

/** Four participants, two per SFU node: SFU_MAX_PEERS=2 makes placement use the second node. */
const PARTICIPANTS = 4;
/** The whole run's deadline; a hung step fails the run instead of hanging it. */
const RUN_TIMEOUT_MS = 170_000;
/** Maximum time the others may keep the tile of a participant who left. */
const LEAVE_TILE_MS = 2000;

const artifacts = join(repoRoot, 'test-artifacts', 'e2e');

function say(line: string): void {
  process.stdout.write(`[e2e] ${line}\n`);
}

async function main(): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  const clusterLog = createWriteStream(join(artifacts, 'cluster.log'));
  const failures: string[] = [];
  let cluster: LocalCluster | undefined;
  let browser: Browser | undefined;
  const participants: Participant[] = [];
  let room = '';

  try {
    say('starting a local cluster: 2 signaling, 2 SFU (SFU_MAX_PEERS=2), web');
    cluster = await startCluster({
      lifecyclePort: null,
      env: { SFU_MAX_PEERS: '2' },
      onLine: (name, line) => clusterLog.write(`${name}: ${line}\n`),
    });
    const web = cluster.web?.url as string;
    browser = await launchChromium();
    say(`chromium ${browser.version()} launched`);

    room = `e2e-${Date.now()}`;
    for (let index = 0; index < PARTICIPANTS; index++) {
      const name = `User ${index + 1}`;
      const token = await signToken(LOCAL_JWT_SECRET, { identity: `user-${index + 1}`, room });
      const signaling = cluster.signaling[index % cluster.signaling.length]?.url as string;
      const query = new URLSearchParams({ token, signaling, name });
      participants.push(await joinMeeting(browser, `${web}/?${query}`, name, join(artifacts, `join-failed-${index + 1}.png`)));
      say(`${name} joined as ${participants.at(-1)?.peerId} on ${participants.at(-1)?.nodeId} through ${signaling}`);
    }

    const nodes = new Set(participants.map((participant) => participant.nodeId));
    if (nodes.size < 2) failures.push(`every participant is on ${[...nodes].join(', ')}; expected both SFU nodes`);

    const firstFrames = await waitForFullMesh(participants, 30_000);
    failures.push(...(await checkMediaRising(participants, 2000)));

    for (const [index, participant] of participants.entries()) {
      await participant.page.screenshot({ path: join(artifacts, `grid-${index + 1}.png`), fullPage: true });
    }
    await printSummary(participants, firstFrames);
    const toggleFailures = await checkCameraToggle(participants);
    failures.push(...toggleFailures);
    if (toggleFailures.length === 0) say(`${participants[0]?.name} turned the camera off and on: frames stopped, then grew, in every other page`);

    failures.push(...(await checkLeave(participants)));
    const first = participants[0] as Participant;
    failures.push(...(await checkLanguageSwitch(first.page, join(artifacts, 'grid-1-zh-CN.png'))));

    // Leave only the participants on the first one's node, then move the room off that node.
    for (const participant of participants.filter((entry) => entry.nodeId !== first.nodeId)) {
      await leave(participants, participant);
    }
    const adminToken = await signToken(LOCAL_JWT_SECRET, { identity: 'e2e-admin', room, grants: { admin: true } });
    const move = await checkRoomMove(cluster, adminToken, room, participants);
    failures.push(...move.failures);
    if (move.mediaMs !== undefined) say(`room moved to ${move.toNodeId}: video on the new node in every page after ${move.mediaMs} ms`);
    await first.page.screenshot({ path: join(artifacts, 'grid-1-moved.png'), fullPage: true });
  } catch (error) {
    failures.push((error as Error).message);
  } finally {
    for (const participant of participants) {
      for (const problem of participant.problems) say(`${participant.name}: ${problem}`);
    }
    await browser?.close().catch(() => undefined);
    await cluster?.stop();
    clusterLog.end();
  }

  if (failures.length > 0) {
    for (const failure of failures) say(`FAILED: ${failure}`);
    say(`cluster output: ${join(artifacts, 'cluster.log')}`);
    process.exit(1);
  }
  say(`passed; screenshots in ${artifacts}`);
}

/** The last participant leaves; every other grid must drop its tile within LEAVE_TILE_MS. */
async function checkLeave(participants: Participant[]): Promise<string[]> {
  const leaving = participants.at(-1) as Participant;
  const others = participants.slice(0, -1);
  const failures: string[] = [];

  const leftAt = Date.now();
  await leaving.page.locator('#leave').click();
  const times = await Promise.all(
    others.map(async (other) => {
      try {
        await other.page.waitForSelector(`[data-peer-id="${leaving.peerId}"]`, { state: 'detached', timeout: LEAVE_TILE_MS });
        return Date.now() - leftAt;
      } catch {
        failures.push(`${other.name} still shows ${leaving.name} ${LEAVE_TILE_MS} ms after the leave`);
        return undefined;
      }
    }),
  );
  say(`${leaving.name} left; tile removed after ${times.map((ms) => (ms === undefined ? 'never' : `${ms} ms`)).join(', ')}`);
  participants.pop();
  return failures;
}

/** Makes a participant leave and waits until its peers' pages dropped its tile. */
async function leave(participants: Participant[], leaving: Participant): Promise<void> {
  await leaving.page.locator('#leave').click();
  participants.splice(participants.indexOf(leaving), 1);
  for (const other of participants) {
    await other.page.waitForSelector(`[data-peer-id="${leaving.peerId}"]`, { state: 'detached', timeout: 5000 });
  }
}

/**
 * Prints, per browser, how long after a join the first remote frame was
 * decoded: for each remote peer, from the later of the two join clicks,
 * because an early joiner cannot see a peer that has not joined yet.
 */
async function printSummary(participants: Participant[], firstFrames: Awaited<ReturnType<typeof waitForFullMesh>>): Promise<void> {
  for (const participant of participants) {
    const stats = await pageStats(participant.page);
    const others = participants.filter((other) => other !== participant);
    const seen = firstFrames.get(participant.peerId)?.firstFrameAt;
    const delays = others.map(
      (other) => (seen?.get(other.peerId) ?? Number.NaN) - Math.max(participant.joinClickedAt, other.joinClickedAt),
    );
    const totals = others.map((other) => receivedFrom(stats, other.peerId));

    const bytes = totals.reduce((sum, from) => sum + from.videoBytes + from.audioBytes, 0);
    const frames = totals.reduce((sum, from) => sum + from.videoFrames, 0);
    say(
      `${participant.name} (${participant.nodeId}): join to first remote frame ${Math.min(...delays)} ms ` +
        `(slowest of ${others.length} peers ${Math.max(...delays)} ms); received ${(bytes / 1024).toFixed(0)} KiB, ${frames} video frames decoded`,
    );
  }
}

const deadline = setTimeout(() => {
  say(`FAILED: the run took longer than ${RUN_TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, RUN_TIMEOUT_MS);

main().finally(() => clearTimeout(deadline));
