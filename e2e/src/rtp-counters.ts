import type { Browser, Page } from 'playwright-core';

import type { Participant } from './browser';

/** One RTP stream's entry in a getStats report: its type, kind and the counters RTP_FIELDS names. */
export interface RtpEntry {
  /** The stats id, stable for the stream's life. */
  id: string;
  type: 'inbound-rtp' | 'outbound-rtp' | 'remote-inbound-rtp';
  kind: 'audio' | 'video';
  /** The report's timestamp in milliseconds: when Chromium gathered the counters, not when the page read them. */
  timestamp: number;
  /** Simulcast layer of a sent stream. */
  rid?: string;
  counters: Record<string, number>;
}

/** One sample of every open peer connection of a page. */
export interface RtpSample {
  entries: RtpEntry[];
  /** Protocol (udp or tcp) of the local candidate of each connection's selected candidate pair. */
  protocols: string[];
}

/**
 * Counters read per stats type. The client SDK's stats leave out the NACK,
 * PLI and inter-frame delay counters, so these come from the peer connections.
 */
const RTP_FIELDS: Record<RtpEntry['type'], string[]> = {
  'inbound-rtp': [
    'packetsReceived', 'packetsLost', 'bytesReceived', 'nackCount', 'pliCount', 'firCount', 'framesDecoded',
    'totalInterFrameDelay', 'totalSquaredInterFrameDelay', 'freezeCount', 'totalFreezesDuration', 'concealedSamples', 'totalSamplesReceived',
  ],
  'outbound-rtp': ['packetsSent', 'retransmittedPacketsSent', 'nackCount', 'pliCount', 'firCount', 'qualityLimitationResolutionChanges'],
  'remote-inbound-rtp': ['packetsLost', 'fractionLost'],
};

/**
 * Makes the page's RTCPeerConnections reachable from page scripts as
 * window.weakNetworkPeerConnections. The meeting page keeps them inside the
 * client SDK, so this queries Chromium's DevTools protocol for every object
 * whose prototype is RTCPeerConnection.prototype (Runtime.queryObjects).
 * Call it after the page has published and subscribed: a connection made
 * later is not in the list. Returns how many open connections it found.
 */
export async function exposePeerConnections(browser: Browser, participant: Participant): Promise<number> {
  const page = playwrightPage(browser, participant);
  const session = await page.context().newCDPSession(page);

  try {
    const prototype = await session.send('Runtime.evaluate', { expression: 'RTCPeerConnection.prototype', objectGroup: 'weak-network' });
    const found = await session.send('Runtime.queryObjects', { prototypeObjectId: prototype.result.objectId as string, objectGroup: 'weak-network' });
    await session.send('Runtime.callFunctionOn', {
      objectId: found.objects.objectId as string,
      functionDeclaration: 'function () { window.weakNetworkPeerConnections = this.filter((connection) => connection.signalingState !== "closed"); }',
    });
    await session.send('Runtime.releaseObjectGroup', { objectGroup: 'weak-network' });
  } finally {
    await session.detach();
  }
  return participant.page.evaluate(() => window.weakNetworkPeerConnections?.length ?? 0);
}

/**
 * Samples the RTP entries of the connections exposePeerConnections found,
 * every intervalMs for durationMs. It goes on until each received video has
 * decoded a frame after durationMs, or for extraMs at most, so a freeze
 * still running at the end is measured too. The loop runs inside the page,
 * so an interval does not carry a DevTools round trip.
 */
export async function sampleRtp(participant: Participant, durationMs: number, intervalMs: number, extraMs: number): Promise<RtpSample[]> {
  return participant.page.evaluate(
    async ({ durationMs, intervalMs, extraMs, fields }) => {
      const samples: Array<{ entries: unknown[]; protocols: string[] }> = [];
      const framesAtEnd = new Map<string, number>();
      const startedAt = performance.now();

      for (;;) {
        const elapsed = performance.now() - startedAt;
        const entries: Array<{ id: string; type: string; kind: unknown; timestamp: number; rid: unknown; counters: Record<string, number> }> = [];
        const protocols: string[] = [];

        for (const connection of window.weakNetworkPeerConnections ?? []) {
          if (connection.signalingState === 'closed') continue;

          const report = new Map<string, Record<string, unknown> & { type: string }>();
          (await connection.getStats()).forEach((entry: Record<string, unknown> & { type: string }, id: string) => report.set(id, entry));
          for (const [id, entry] of report) {
            if (entry.type === 'candidate-pair' && entry.state === 'succeeded' && entry.nominated === true) {
              protocols.push(String(report.get(entry.localCandidateId as string)?.protocol ?? 'unknown'));
            }

            // mediasoup-client's probator receives mediasoup's bandwidth probes, never a decodable video, so it is left out.
            const names = fields[entry.type];
            if (names === undefined || entry.mid === 'probator') continue;
            const counters: Record<string, number> = {};
            for (const name of names) if (typeof entry[name] === 'number') counters[name] = entry[name] as number;
            // Why the sender lowered its resolution or frame rate, in seconds per reason: bandwidth (loss, congestion) or cpu (load).
            const limits = entry.qualityLimitationDurations as Record<string, number> | undefined;
            if (limits !== undefined) {
              counters.limitedByBandwidth = limits.bandwidth ?? 0;
              counters.limitedByCpu = limits.cpu ?? 0;
            }
            entries.push({ id, type: entry.type, kind: entry.kind, timestamp: entry.timestamp as number, rid: entry.rid, counters });
          }
        }
        samples.push({ entries, protocols });

        const videos = entries.filter((entry) => entry.type === 'inbound-rtp' && entry.kind === 'video');
        if (elapsed >= durationMs) {
          if (framesAtEnd.size === 0) for (const video of videos) framesAtEnd.set(video.id, video.counters.framesDecoded ?? 0);
          const allDecoded = videos.every((video) => (video.counters.framesDecoded ?? 0) > (framesAtEnd.get(video.id) ?? 0));
          if (allDecoded || elapsed >= durationMs + extraMs) break;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (performance.now() - startedAt - elapsed))));
      }
      return samples;
    },
    { durationMs, intervalMs, extraMs, fields: RTP_FIELDS as Record<string, string[]> },
  ) as Promise<RtpSample[]>;
}

/** Finds the playwright Page behind a participant among the browser's pages, for what the shared page type does not offer. */
function playwrightPage(browser: Browser, participant: Participant): Page {
  const page = browser.contexts().flatMap((context) => context.pages()).find((candidate) => candidate === participant.page);
  if (page === undefined) throw new Error(`${participant.name}'s page is not a page of this Chromium`);
  return page;
}

declare global {
  interface Window {
    weakNetworkPeerConnections?: RTCPeerConnection[];
  }
}
