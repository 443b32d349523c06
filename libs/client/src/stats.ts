import type { TrackSource } from './types';

/** A summary of one track's RTP, from the browser's getStats. */
export interface TrackStats {
  /** Consumer id for a received track, producer id for a sent one. */
  id: string;
  direction: 'inbound' | 'outbound';
  kind: 'audio' | 'video';
  source: TrackSource;
  /** The remote peer of a received track. */
  peerId?: string;
  bytes: number;
  packets: number;
  /** Packets lost, as the receiver counts them (the remote receiver for a sent track). */
  packetsLost: number;
  /** Fraction of packets lost since the start, 0 to 1. */
  lossRate: number;
  /** Bits per second since the previous sample of this track; 0 on the first. */
  bitrate: number;
  jitterMs?: number;
  roundTripMs?: number;
  /** Received video only. */
  framesDecoded?: number;
  /** This client's end of the selected ICE candidate pair: host, srflx, prflx or relay (through TURN). */
  localCandidateType?: string;
}

export interface StatsSource {
  id: string;
  direction: 'inbound' | 'outbound';
  kind: 'audio' | 'video';
  source: TrackSource;
  peerId?: string;
  getStats(): Promise<RTCStatsReport>;
}

type StatsEntry = Record<string, unknown> & { type: string };

const numberOf = (entry: StatsEntry, key: string): number => (typeof entry[key] === 'number' ? (entry[key] as number) : 0);

/** Reads RTP counters of received tracks: inbound-rtp, and the round trip of the selected candidate pair. */
function readInbound(report: RTCStatsReport): Omit<TrackStats, 'id' | 'direction' | 'kind' | 'source' | 'bitrate' | 'lossRate'> {
  const summary = { bytes: 0, packets: 0, packetsLost: 0, framesDecoded: 0 } as ReturnType<typeof readInbound>;

  report.forEach((entry: StatsEntry) => {
    if (entry.type === 'inbound-rtp') {
      summary.bytes += numberOf(entry, 'bytesReceived');
      summary.packets += numberOf(entry, 'packetsReceived');
      summary.packetsLost += numberOf(entry, 'packetsLost');
      summary.framesDecoded = (summary.framesDecoded ?? 0) + numberOf(entry, 'framesDecoded');
      if (typeof entry.jitter === 'number') summary.jitterMs = entry.jitter * 1000;
    } else if (entry.type === 'candidate-pair' && entry.nominated === true && typeof entry.currentRoundTripTime === 'number') {
      summary.roundTripMs = entry.currentRoundTripTime * 1000;
    }
  });
  return summary;
}

/** Returns the candidate type of this client's end of the selected candidate pair, or undefined before ICE selects one. */
function localCandidateTypeOf(report: RTCStatsReport): string | undefined {
  const entries = [...report.values()] as StatsEntry[];
  // Chromium names the pair on the transport entry; Firefox marks the pair itself as selected.
  const transport = entries.find((entry) => entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string');
  const pair = transport
    ? (report.get(transport.selectedCandidatePairId as string) as StatsEntry | undefined)
    : entries.find((entry) => entry.type === 'candidate-pair' && (entry.selected === true || (entry.nominated === true && entry.state === 'succeeded')));

  const local = typeof pair?.localCandidateId === 'string' ? (report.get(pair.localCandidateId) as StatsEntry | undefined) : undefined;
  return typeof local?.candidateType === 'string' ? local.candidateType : undefined;
}

/** Reads RTP counters of a sent track: every outbound-rtp (one per simulcast layer) and the receiver's reports. */
function readOutbound(report: RTCStatsReport): Omit<TrackStats, 'id' | 'direction' | 'kind' | 'source' | 'bitrate' | 'lossRate'> {
  const summary = { bytes: 0, packets: 0, packetsLost: 0 } as ReturnType<typeof readOutbound>;

  report.forEach((entry: StatsEntry) => {
    if (entry.type === 'outbound-rtp') {
      summary.bytes += numberOf(entry, 'bytesSent');
      summary.packets += numberOf(entry, 'packetsSent');
    } else if (entry.type === 'remote-inbound-rtp') {
      summary.packetsLost += numberOf(entry, 'packetsLost');
      if (typeof entry.jitter === 'number') summary.jitterMs = entry.jitter * 1000;
      if (typeof entry.roundTripTime === 'number') summary.roundTripMs = entry.roundTripTime * 1000;
    }
  });
  return summary;
}

/**
 * Turns getStats reports into per-track summaries. It keeps the previous
 * byte count of each track, so bitrate covers the time between two calls.
 */
export class StatsSampler {
  private readonly previous = new Map<string, { bytes: number; at: number }>();

  /** clock returns milliseconds; tests pass their own so a bitrate does not depend on timer jitter. */
  constructor(private readonly clock: () => number = () => performance.now()) {}

  async sample(sources: StatsSource[]): Promise<TrackStats[]> {
    const now = this.clock();
    const seen = new Set<string>();

    const results = await Promise.all(
      sources.map(async (source) => {
        seen.add(source.id);
        const report = await source.getStats();
        const counters = source.direction === 'inbound' ? readInbound(report) : readOutbound(report);

        const before = this.previous.get(source.id);
        this.previous.set(source.id, { bytes: counters.bytes, at: now });
        const seconds = before ? (now - before.at) / 1000 : 0;
        const bitrate = before && seconds > 0 ? Math.max(0, ((counters.bytes - before.bytes) * 8) / seconds) : 0;
        const expected = counters.packets + counters.packetsLost;

        return {
          id: source.id,
          direction: source.direction,
          kind: source.kind,
          source: source.source,
          peerId: source.peerId,
          bitrate,
          lossRate: expected > 0 ? counters.packetsLost / expected : 0,
          localCandidateType: localCandidateTypeOf(report),
          ...counters,
        } satisfies TrackStats;
      }),
    );

    for (const id of this.previous.keys()) if (!seen.has(id)) this.previous.delete(id);
    return results;
  }
}

export type ConnectionQuality = 'good' | 'fair' | 'poor' | 'unknown';

/** Rates a peer's received tracks: loss above 2 % or a round trip over 300 ms is fair, above 10 % or 600 ms poor. */
export function rateQuality(tracks: TrackStats[]): ConnectionQuality {
  if (tracks.length === 0) return 'unknown';

  const loss = Math.max(...tracks.map((track) => track.lossRate));
  const roundTrip = Math.max(...tracks.map((track) => track.roundTripMs ?? 0));
  if (loss > 0.1 || roundTrip > 600) return 'poor';
  if (loss > 0.02 || roundTrip > 300) return 'fair';
  return 'good';
}
