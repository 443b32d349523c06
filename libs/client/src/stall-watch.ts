/** Time a received video may go on getting bytes without a decoded frame before the client asks for a keyframe. */
export const STALL_MS = 500;
/**
 * Minimum time between two keyframe requests for one consumer. A keyframe is
 * many packets, so over a lossy uplink it takes longer than a frame to come.
 * Signaling refuses requests closer than its own interval (1000 ms by default).
 */
export const KEYFRAME_RETRY_MS = 1000;
/**
 * Time a received video stays on its lowest simulcast layer, decoding, after
 * a fallback there, before the client asks for the best layer again.
 */
export const LAYER_RESTORE_MS = 5000;
/** How often the decode counters of every received video are read. */
export const STALL_POLL_MS = 250;

/** The decode counters of one received video at one moment. */
export interface DecodeReading {
  at: number;
  framesDecoded: number;
  bytesReceived: number;
}

interface DecodeProgress {
  last: DecodeReading;
  /** When framesDecoded last grew, or the first reading. */
  lastFrameAt: number;
  /** When bytesReceived last grew, or the first reading. */
  lastBytesAt: number;
  requestedAt?: number;
  loweredAt?: number;
}

/**
 * The step a received video needs: none, a keyframe request, a fallback to
 * the lowest simulcast layer, or a request for the best layer again.
 */
export type StallAction = 'none' | 'keyframe' | 'lowerLayers' | 'restoreLayers';

/**
 * Tells, reading by reading, when a received video stalled and what to do.
 * Bytes arriving without a decoded frame for STALL_MS mean a packet of a
 * reference frame is lost for good, and the browser's own keyframe request
 * comes seconds later: ask for a keyframe. No bytes at all for STALL_MS
 * after frames were decoded mostly mean the sender stopped the layer the SFU
 * forwards, as it does with its upper simulcast layers when its uplink is
 * short. mediasoup moves the consumer to another layer only after 1.5 s
 * without packets, so fall back to the lowest layer at once, because the
 * sender drops it last, and ask for the best one LAYER_RESTORE_MS later.
 */
export class StallDetector {
  private readonly progress = new Map<string, DecodeProgress>();

  /** Records a reading and returns what to do for the consumer now. */
  observe(consumerId: string, reading: DecodeReading): StallAction {
    const state = this.progress.get(consumerId);
    if (state === undefined) {
      this.progress.set(consumerId, { last: reading, lastFrameAt: reading.at, lastBytesAt: reading.at });
      return 'none';
    }

    const framesRose = reading.framesDecoded > state.last.framesDecoded;
    const bytesRose = reading.bytesReceived > state.last.bytesReceived;
    if (framesRose) state.lastFrameAt = reading.at;
    if (bytesRose) state.lastBytesAt = reading.at;
    state.last = reading;

    if (state.loweredAt !== undefined && framesRose && reading.at - state.loweredAt >= LAYER_RESTORE_MS) {
      state.loweredAt = undefined;
      return 'restoreLayers';
    }

    const starved = reading.framesDecoded > 0 && reading.at - state.lastBytesAt >= STALL_MS && reading.at - state.lastFrameAt >= STALL_MS;
    if (starved && state.loweredAt === undefined) {
      state.loweredAt = reading.at;
      return 'lowerLayers';
    }

    const stalled = bytesRose && reading.at - state.lastFrameAt >= STALL_MS;
    const requestedRecently = state.requestedAt !== undefined && reading.at - state.requestedAt < KEYFRAME_RETRY_MS;
    if (!stalled || requestedRecently) return 'none';

    state.requestedAt = reading.at;
    return 'keyframe';
  }

  forget(consumerId: string): void {
    this.progress.delete(consumerId);
  }
}

/** Reads framesDecoded and bytesReceived of the inbound-rtp entry of a receiver's getStats report. */
export function decodeReading(report: RTCStatsReport, at: number): DecodeReading | undefined {
  let reading: DecodeReading | undefined;
  report.forEach((entry: { type: string; kind?: string; framesDecoded?: number; bytesReceived?: number }) => {
    if (entry.type !== 'inbound-rtp' || entry.kind !== 'video') return;
    reading = { at, framesDecoded: entry.framesDecoded ?? 0, bytesReceived: entry.bytesReceived ?? 0 };
  });
  return reading;
}

/** Returns the number of spatial layers a consumer's scalability mode names (L3T3, S3T3), 1 without one. */
export function spatialLayers(scalabilityMode: string | undefined): number {
  const match = /^[LS](\d+)T\d+/.exec(scalabilityMode ?? '');
  return match ? Number(match[1]) : 1;
}
