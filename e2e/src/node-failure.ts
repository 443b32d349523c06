import { join } from 'node:path';

import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';
import type { LocalCluster } from '@sfu-cluster/testkit';

import { joinMeeting, launchChromium, type Participant } from './browser';
import { checkMediaRising, waitForFullMesh } from './media-checks';
import { startFrameClocks, waitForRecovery } from './recovery';
import { runScenario, type ScenarioContext } from './scenario';
import { checkScreenShare } from './screen-share';

/** The whole run's deadline; a hung step fails the run instead of hanging it. */
const RUN_TIMEOUT_MS = 170_000;
/** Bound from the kill to new video frames in every page from every other participant. */
const RECOVERY_MS = 5000;
/** How long the scenario keeps watching after RECOVERY_MS, so a slow recovery still prints its time. */
const RECOVERY_WATCH_MS = 15_000;
/**
 * Peers per SFU node. Each node has room for all four participants, so the
 * survivor can take the two whose node dies. joinTwoPerNode steers
 * placement to two per node.
 */
const SFU_MAX_PEERS = '4';

runScenario('node-failure', RUN_TIMEOUT_MS, async (context) => {
  const failures = context.failures;

  context.say(`starting a local cluster: 2 signaling, 2 SFU (SFU_MAX_PEERS=${SFU_MAX_PEERS}), lifecycle, web`);
  const cluster = await context.startCluster({ env: { SFU_MAX_PEERS } });
  const browser = await launchChromium();
  context.defer(() => browser.close());
  context.say(`chromium ${browser.version()} launched`);

  const room = `e2e-node-failure-${Date.now()}`;
  const adminToken = await signToken(LOCAL_JWT_SECRET, { identity: 'e2e-admin', room, grants: { admin: true } });
  const participants = await joinTwoPerNode(context, cluster, adminToken, room, (pageUrl, name, index) =>
    joinMeeting(browser, pageUrl, name, join(context.artifacts, `join-failed-${index + 1}.png`)),
  );
  context.defer(() => {
    for (const participant of participants) {
      for (const problem of participant.problems) context.say(`${participant.name}: ${problem}`);
    }
  });
  await waitForFullMesh(participants, 30_000);
  await markPagesLoaded(participants);

  // A survivor shares its screen to a participant of the node about to die.
  const [first, , third] = participants as [Participant, Participant, Participant, Participant];
  const screen = await checkScreenShare(first, third);
  failures.push(...screen.failures);
  if (screen.shownMs !== undefined) context.say(`${first.name} shared the screen: ${third.name} decoded it in its own tile after ${screen.shownMs} ms`);

  // A page that lags already would blur what the kill costs.
  const before = await checkMediaRising(participants, 2000);
  failures.push(...before.map((failure) => `before the kill: ${failure}`));

  const lostNodeId = third.nodeId;
  const moved = participants.filter((participant) => participant.nodeId === lostNodeId);
  const survivorNodeId = participants.find((participant) => participant.nodeId !== lostNodeId)?.nodeId as string;
  const lostNode = cluster.sfu.find((node) => node.nodeId === lostNodeId);
  if (!lostNode) throw new Error(`no SFU node process for ${lostNodeId}`);

  const baseline = await startFrameClocks(participants);
  lostNode.process.kill('SIGKILL', { group: true });
  const killedAt = Date.now();
  const clock = new Date(killedAt).toISOString().slice(11, 23);
  context.say(`killed ${lostNodeId} at ${clock} (SIGKILL to its process group) with ${moved.map((participant) => participant.name).join(' and ')} on it`);

  const recovery = await waitForRecovery(participants, moved, baseline, killedAt, killedAt + RECOVERY_MS + RECOVERY_WATCH_MS);
  for (const viewer of participants) {
    const times = recovery.recoveredMs.get(viewer) as Map<Participant, number>;
    const missing = participants.filter((other) => other !== viewer && !times.has(other));
    const slowest = missing.length > 0 ? undefined : Math.max(...times.values());
    const detail = [...times].map(([other, ms]) => `${other.name} ${ms} ms`).join(', ');
    context.say(`${viewer.name}: new video frames from every other participant ${slowest === undefined ? 'never' : `${slowest} ms`} after the kill (${detail})`);

    if (missing.length > 0) failures.push(`${viewer.name} showed no new video frames from ${missing.map((other) => other.name).join(', ')} within ${RECOVERY_MS + RECOVERY_WATCH_MS} ms of the kill`);
    else if ((slowest as number) > RECOVERY_MS) failures.push(`${viewer.name} took ${slowest} ms after the kill to show new video frames from every other participant; the bound is ${RECOVERY_MS} ms`);
  }

  failures.push(...(await checkPlacedOn(moved, survivorNodeId)));
  failures.push(...(await checkNotReloaded(participants)));
  failures.push(...(await checkMediaRising(participants, 2000)));
  for (const [index, participant] of participants.entries()) {
    await participant.page.screenshot({ path: join(context.artifacts, `recovered-${index + 1}.png`), fullPage: true });
  }
});

/**
 * Joins four participants, two on each SFU node. Placement keeps a room on
 * as few nodes as possible, so the first two share a node. That node is
 * drained while the last two join, which puts them on the other node. The
 * drain has no migration, so its peers stay, and it is cancelled after.
 */
async function joinTwoPerNode(
  context: ScenarioContext,
  cluster: LocalCluster,
  adminToken: string,
  room: string,
  joinPage: (pageUrl: string, name: string, index: number) => Promise<Participant>,
): Promise<Participant[]> {
  const web = cluster.web?.url as string;
  const participants: Participant[] = [];
  const joinNext = async (index: number): Promise<void> => {
    const name = `User ${index + 1}`;
    const token = await signToken(LOCAL_JWT_SECRET, { identity: `user-${index + 1}`, room });
    const signaling = cluster.signaling[index % cluster.signaling.length]?.url as string;
    const participant = await joinPage(`${web}/?${new URLSearchParams({ token, signaling, name })}`, name, index);
    participants.push(participant);
    context.say(`${name} joined as ${participant.peerId} on ${participant.nodeId} through ${signaling}`);
  };

  await joinNext(0);
  await joinNext(1);
  const firstNodeId = participants[0]?.nodeId as string;
  await adminRequest(cluster, adminToken, 'POST', `/api/v1/admin/nodes/${firstNodeId}/drain`, { migrate: false });
  try {
    await joinNext(2);
    await joinNext(3);
  } finally {
    await adminRequest(cluster, adminToken, 'DELETE', `/api/v1/admin/nodes/${firstNodeId}/drain`);
  }

  const perNode = new Map<string, number>();
  for (const participant of participants) perNode.set(participant.nodeId, (perNode.get(participant.nodeId) ?? 0) + 1);
  if (perNode.size !== 2 || [...perNode.values()].some((count) => count !== 2)) {
    throw new Error(`placement put ${[...perNode].map(([nodeId, count]) => `${count} on ${nodeId}`).join(', ')}; expected two on each SFU node`);
  }
  return participants;
}

async function adminRequest(cluster: LocalCluster, adminToken: string, method: string, path: string, body?: object): Promise<void> {
  const signaling = cluster.signaling[0]?.url as string;
  const response = await fetch(`${signaling}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} returned ${response.status}: ${await response.text()}`);
}

/** Sets a marker on each page's window; a reload would drop it. */
async function markPagesLoaded(participants: Participant[]): Promise<void> {
  for (const participant of participants) {
    await participant.page.evaluate(() => {
      (window as { e2eLoadMarker?: boolean }).e2eLoadMarker = true;
    });
  }
}

async function checkNotReloaded(participants: Participant[]): Promise<string[]> {
  const failures: string[] = [];
  for (const participant of participants) {
    const marked = await participant.page.evaluate(() => (window as { e2eLoadMarker?: boolean }).e2eLoadMarker === true);
    if (!marked) failures.push(`${participant.name}'s page reloaded during the recovery`);
  }
  return failures;
}

/** Checks that the moved participants' pages report the surviving node and the peer ids they had before. */
async function checkPlacedOn(moved: Participant[], nodeId: string): Promise<string[]> {
  const failures: string[] = [];
  for (const participant of moved) {
    const now = await participant.page.evaluate(() => ({ peerId: window.meetingRoom?.peerId, nodeId: window.meetingRoom?.nodeId }));
    if (now.nodeId !== nodeId) failures.push(`${participant.name} is on ${now.nodeId} after the recovery; expected ${nodeId}`);
    if (now.peerId !== participant.peerId) failures.push(`${participant.name} has peer id ${now.peerId} after the recovery; expected ${participant.peerId} (a rejoin, not a reconnect)`);
  }
  return failures;
}
