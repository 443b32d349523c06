import { pageStats, type PageTrackStats, type Participant } from './browser';

/** Received totals from one remote peer, from one stats sample. */
export interface FromPeer {
  videoFrames: number;
  videoBytes: number;
  audioBytes: number;
}

export function receivedFrom(stats: PageTrackStats[], peerId: string): FromPeer {
  const totals: FromPeer = { videoFrames: 0, videoBytes: 0, audioBytes: 0 };
  for (const track of stats) {
    if (track.direction !== 'inbound' || track.peerId !== peerId) continue;
    if (track.kind === 'video') {
      totals.videoFrames += track.framesDecoded ?? 0;
      totals.videoBytes += track.bytes;
    } else {
      totals.audioBytes += track.bytes;
    }
  }
  return totals;
}

/** Pause between two polling rounds of every participant's stats. */
const POLL_MS = 100;

export interface FirstFrames {
  /** Date.now() of the first poll that saw a decoded frame from each remote peer. */
  firstFrameAt: Map<string, number>;
}

/**
 * Polls every participant's stats until each has decoded video and received
 * audio from every other one, or the deadline passes. Returns when each
 * participant first saw a frame from each remote peer.
 * NOTE: a first-frame time is late by up to one polling round (the
 * interval plus four getStats calls), so it is an upper bound.
 */
export async function waitForFullMesh(participants: Participant[], timeoutMs: number): Promise<Map<string, FirstFrames>> {
  const seen = new Map(participants.map((participant) => [participant.peerId, { firstFrameAt: new Map<string, number>() }]));
  const deadline = Date.now() + timeoutMs;

  while (Date.now() < deadline) {
    let complete = true;
    for (const participant of participants) {
      const stats = await pageStats(participant.page);
      const frames = seen.get(participant.peerId) as FirstFrames;
      for (const other of participants) {
        if (other === participant) continue;

        const from = receivedFrom(stats, other.peerId);
        if (from.videoFrames > 0 && !frames.firstFrameAt.has(other.peerId)) frames.firstFrameAt.set(other.peerId, Date.now());
        if (from.videoFrames === 0 || from.audioBytes === 0) complete = false;
      }
    }
    if (complete) return seen;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }

  const missing = participants.flatMap((participant) =>
    participants
      .filter((other) => other !== participant && !seen.get(participant.peerId)?.firstFrameAt.has(other.peerId))
      .map((other) => `${participant.name} has no frame from ${other.name}`),
  );
  throw new Error(`media did not reach every participant within ${timeoutMs} ms: ${missing.join('; ') || 'audio missing'}`);
}

/** Takes two samples apart and checks that video frames and audio bytes from every other participant grew. */
export async function checkMediaRising(participants: Participant[], intervalMs: number): Promise<string[]> {
  const before = await Promise.all(participants.map((participant) => pageStats(participant.page)));
  await new Promise((resolve) => setTimeout(resolve, intervalMs));
  const after = await Promise.all(participants.map((participant) => pageStats(participant.page)));

  const failures: string[] = [];
  participants.forEach((participant, index) => {
    for (const other of participants) {
      if (other === participant) continue;

      const first = receivedFrom(before[index] ?? [], other.peerId);
      const second = receivedFrom(after[index] ?? [], other.peerId);
      if (second.videoFrames <= first.videoFrames) {
        failures.push(`${participant.name}: video frames from ${other.name} stayed at ${second.videoFrames}`);
      }
      if (second.audioBytes <= first.audioBytes) {
        failures.push(`${participant.name}: audio bytes from ${other.name} stayed at ${second.audioBytes}`);
      }
    }
  });
  return failures;
}
