/** Time a received video may go on getting bytes without a decoded frame before the client asks for a keyframe. */
export const STALL_MS = 500;
/**
 * Minimum time between two keyframe requests for one consumer. A keyframe is
 * many packets, so over a lossy uplink it takes longer than a frame to come.
 * Signaling refuses requests closer than its own interval (1000 ms by default).
 */
export const KEYFRAME_RETRY_MS = 1000;
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
  askedAt?: number;
}

/**
 * Tells, reading by reading, when a received video's decoder has stalled:
 * bytes keep arriving but no frame was decoded for STALL_MS. That happens
 * when a packet of a reference frame is lost for good, and the browser's
 * own keyframe request comes seconds later. A paused or silent stream gets
 * no bytes and is not a stall.
 */
export class StallDetector {
  private readonly progress = new Map<string, DecodeProgress>();

  /** Records a reading and returns true when a keyframe should be requested for the consumer now. */
  observe(consumerId: string, reading: DecodeReading): boolean {
    const previous = this.progress.get(consumerId);
    if (previous === undefined || reading.framesDecoded > previous.last.framesDecoded) {
      this.progress.set(consumerId, { last: reading, lastFrameAt: reading.at, askedAt: previous?.askedAt });
      return false;
    }

    const bytesRose = reading.bytesReceived > previous.last.bytesReceived;
    previous.last = reading;
    const stalled = bytesRose && reading.at - previous.lastFrameAt >= STALL_MS;
    const askedRecently = previous.askedAt !== undefined && reading.at - previous.askedAt < KEYFRAME_RETRY_MS;
    if (!stalled || askedRecently) return false;

    previous.askedAt = reading.at;
    return true;
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
