import type { LocalCluster } from '@sfu-cluster/testkit';

import { pageStats, type Participant } from './browser';
import { receivedFrom } from './media-checks';

/** Bound for the moved peers to decode each other's video on the new node, from the move request. */
const MOVE_MEDIA_MS = 5000;
/** Bound for the old node's consumers to close after video flows on the new node; the client waits up to 3 s before completeMigration. */
const OLD_MEDIA_CLOSE_MS = 5000;

/**
 * Moves the room to the SFU node toNodeId through the admin API. Each client
 * on another node gets reconnectMedia with migrate: true and builds its media
 * there before it drops the old. A client already on toNodeId stays.
 * Checks that every page reports the new node and decodes video from every
 * other one there within MOVE_MEDIA_MS, and that no tile disappeared
 * meanwhile. Returns the failures and the time media took.
 */
export async function checkRoomMove(
  cluster: LocalCluster,
  adminToken: string,
  roomId: string,
  participants: Participant[],
  toNodeId: string,
): Promise<{ failures: string[]; mediaMs?: number; toNodeId: string }> {
  const signaling = cluster.signaling[0]?.url as string;

  // Placement reads each node's load from its record, refreshed every second: a
  // move started before the record shows the leavers gone can hit SFU_MAX_PEERS.
  const staying = participants.filter((participant) => participant.nodeId === toNodeId).length;
  const peers = await waitForNodePeers(signaling, adminToken, toNodeId, staying);
  if (peers !== staying) {
    return { failures: [`${toNodeId} still reports ${peers} peers 5 s after the others left; expected ${staying}`], toNodeId };
  }

  const movedAt = Date.now();
  const response = await fetch(`${signaling}/api/v1/admin/rooms/${encodeURIComponent(roomId)}/move`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ toNodeId }),
  });
  if (response.status !== 202) {
    return { failures: [`moving room ${roomId} to ${toNodeId} returned ${response.status}: ${await response.text()}`], toNodeId };
  }

  const failures: string[] = [];
  const deadline = movedAt + MOVE_MEDIA_MS;
  let waitingFor: string | undefined = 'the first check';
  while (Date.now() < deadline) {
    waitingFor = await firstNotMoved(participants, toNodeId);
    if (waitingFor === undefined) break;
    failures.push(...(await missingTiles(participants)));
    if (failures.length > 0) return { failures, toNodeId };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const mediaMs = Date.now() - movedAt;
  if (waitingFor !== undefined) waitingFor = await firstNotMoved(participants, toNodeId);
  if (waitingFor !== undefined) {
    const lateMs = await waitForLateMove(participants, toNodeId, movedAt);
    const late = lateMs === undefined ? `and not after ${LATE_MOVE_MS} ms either` : `but after ${lateMs} ms`;
    failures.push(`after moving to ${toNodeId}, video did not flow on the new node within ${MOVE_MEDIA_MS} ms (${waitingFor}), ${late}`);
  }
  failures.push(...(await checkOldMediaClosed(participants)));
  return { failures, mediaMs, toNodeId };
}

/** Once the move completed, each remote tile plays one video again: the old node's consumer is gone. */
async function checkOldMediaClosed(participants: Participant[]): Promise<string[]> {
  const failures: string[] = [];
  for (const participant of participants) {
    for (const other of participants) {
      if (other === participant) continue;
      try {
        await participant.page.waitForFunction(
          (peerId) => document.querySelectorAll(`[data-peer-id="${peerId}"] video`).length === 1,
          other.peerId,
          { timeout: OLD_MEDIA_CLOSE_MS },
        );
      } catch {
        const videos = await participant.page.$$eval(`[data-peer-id="${other.peerId}"] video`, (elements) =>
          elements.map((video) => {
            const track = ((video as HTMLVideoElement).srcObject as MediaStream | null)?.getTracks()[0];
            return `${(video as HTMLVideoElement).dataset.consumerId} (track ${track?.readyState}, muted ${track?.muted})`;
          }),
        );
        const tracks = (await pageStats(participant.page)).filter((track) => track.peerId === other.peerId && track.kind === 'video');
        failures.push(
          `${participant.name} still plays ${videos.length} videos of ${other.name} ${OLD_MEDIA_CLOSE_MS} ms after the move: ` +
            `${videos.join(', ')}; consumers now ${tracks.map((track) => `${track.id} (${track.framesDecoded} frames)`).join(', ')}`,
        );
      }
    }
  }
  return failures;
}

/** Polls the admin node list until the node's record reports the expected peers, for up to 5 s; returns the last count. */
async function waitForNodePeers(signaling: string, adminToken: string, nodeId: string, expected: number): Promise<number | undefined> {
  const deadline = Date.now() + 5000;
  let peers: number | undefined;
  while (Date.now() < deadline) {
    const response = await fetch(`${signaling}/api/v1/admin/nodes`, { headers: { authorization: `Bearer ${adminToken}` } });
    const { nodes } = (await response.json()) as { nodes: { id: string; load: { peers: number } }[] };
    peers = nodes.find((node) => node.id === nodeId)?.load.peers;
    if (peers === expected) return peers;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return peers;
}

/** How long a failed move is still watched, from the move request, so the failure reports whether media came late or never. */
const LATE_MOVE_MS = 20_000;

/** Polls until every participant decodes video on the new node; returns the time since movedAt, or undefined after LATE_MOVE_MS. */
async function waitForLateMove(participants: Participant[], nodeId: string, movedAt: number): Promise<number | undefined> {
  while (Date.now() < movedAt + LATE_MOVE_MS) {
    if ((await firstNotMoved(participants, nodeId)) === undefined) return Date.now() - movedAt;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

/** Returns the first participant not yet on the node or not decoding video from everyone there, as a sentence; undefined when all are. */
async function firstNotMoved(participants: Participant[], nodeId: string): Promise<string | undefined> {
  for (const participant of participants) {
    const current = await participant.page.evaluate(() => window.meetingRoom?.nodeId);
    if (current !== nodeId) return `${participant.name} (${participant.browser}) is still on ${current}`;

    const stats = await pageStats(participant.page);
    for (const other of participants) {
      if (other !== participant && receivedFrom(stats, other.peerId).videoFrames === 0) {
        return `${participant.name} (${participant.browser}) decodes no video from ${other.name} on ${nodeId}`;
      }
    }
  }
  return undefined;
}

/** A moved peer keeps its tile: make-before-break must not drop it, even for a moment. */
async function missingTiles(participants: Participant[]): Promise<string[]> {
  const missing: string[] = [];
  for (const participant of participants) {
    for (const other of participants) {
      if (other === participant) continue;
      const tiles = await participant.page.locator(`[data-peer-id="${other.peerId}"]`).count();
      if (tiles === 0) missing.push(`${participant.name} lost the tile of ${other.name} during the move`);
    }
  }
  return missing;
}
