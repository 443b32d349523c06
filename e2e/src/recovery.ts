import type { MeetingPage, Participant } from './browser';

/** Pause between two polling rounds of every participant's page. */
const POLL_MS = 200;

/** The first frame a remote video element presented after the page's frame clock started. */
interface FirstFrame {
  peerId: string;
  consumerId: string;
  /** Epoch milliseconds at which the page handed the frame to its compositor. */
  presentedAt: number;
}

declare global {
  interface Window {
    e2eFirstFrames?: FirstFrame[];
  }
}

/**
 * Starts a frame clock in a page: from now on, the first frame each remote
 * video element presents, in the grid now or added later, is recorded in
 * window.e2eFirstFrames with its presentation time. Returns the consumer
 * ids of the remote videos the page has now.
 * The time comes from requestVideoFrameCallback's presentationTime, taken
 * when the frame went to the compositor. So it does not depend on how late
 * the test reads it, which on a loaded machine can be seconds.
 */
async function startFrameClock(page: MeetingPage): Promise<string[]> {
  return page.evaluate(() => {
    const frames: FirstFrame[] = [];
    window.e2eFirstFrames = frames;
    const watched = new WeakSet<HTMLVideoElement>();

    const watch = (video: HTMLVideoElement): void => {
      if (watched.has(video) || video.dataset.consumerId === undefined) return;
      watched.add(video);
      video.requestVideoFrameCallback((_now, metadata) => {
        const tile = video.closest<HTMLElement>('[data-peer-id], [data-screen-of]');
        frames.push({
          peerId: tile?.dataset.peerId ?? tile?.dataset.screenOf ?? '',
          consumerId: video.dataset.consumerId ?? '',
          presentedAt: performance.timeOrigin + metadata.presentationTime,
        });
      });
    };

    const videos = Array.from(document.querySelectorAll<HTMLVideoElement>('video[data-consumer-id]'));
    videos.forEach(watch);
    new MutationObserver(() => document.querySelectorAll<HTMLVideoElement>('video[data-consumer-id]').forEach(watch)).observe(document.body, {
      childList: true,
      subtree: true,
    });
    return videos.map((video) => video.dataset.consumerId ?? '');
  });
}

/** Remote video consumers each page had when its frame clock started. */
export type Baseline = Map<Participant, Set<string>>;

/** Starts the frame clock in every page, right before the fault; returns each page's remote video consumers. */
export async function startFrameClocks(participants: Participant[]): Promise<Baseline> {
  const consumers = await Promise.all(participants.map((participant) => startFrameClock(participant.page)));
  return new Map(participants.map((participant, index) => [participant, new Set(consumers[index])]));
}

export interface Recovery {
  /** Per viewer and remote peer: milliseconds from `since` to the first new frame presented; missing when none came. */
  recoveredMs: Map<Participant, Map<Participant, number>>;
}

/**
 * Polls every page until each viewer presented new video frames from every
 * other participant, or until `until`. A pair that involves a moved
 * participant counts only frames of a consumer the page did not have at the
 * baseline, because the old node's consumers may still show frames that
 * were in flight when it died. Other pairs count any frame presented after
 * the clock started.
 */
export async function waitForRecovery(
  participants: Participant[],
  moved: Participant[],
  baseline: Baseline,
  since: number,
  until: number,
): Promise<Recovery> {
  const recoveredMs = new Map(participants.map((participant) => [participant, new Map<Participant, number>()]));
  const complete = () => participants.every((viewer) => recoveredMs.get(viewer)?.size === participants.length - 1);

  while (!complete() && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));

    for (const viewer of participants) {
      const frames = await viewer.page.evaluate(() => window.e2eFirstFrames ?? []);
      const old = baseline.get(viewer) ?? new Set<string>();
      const seen = recoveredMs.get(viewer) as Map<Participant, number>;

      for (const other of participants) {
        if (other === viewer || seen.has(other)) continue;

        const affected = moved.includes(viewer) || moved.includes(other);
        const fresh = frames.filter((frame) => frame.peerId === other.peerId && (!affected || !old.has(frame.consumerId)));
        // An untouched pair's first frame can come just before the fault: its media never stopped.
        if (fresh.length > 0) seen.set(other, Math.max(0, Math.round(Math.min(...fresh.map((frame) => frame.presentedAt)) - since)));
      }
    }
  }
  return { recoveredMs };
}
