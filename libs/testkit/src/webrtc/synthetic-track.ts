import { MediaStreamTrack, type types } from 'msc-node';

import { buildRtpPacket } from '../rtp';

type MediaKind = types.MediaKind;

/** Packet shape of one kind: how often, how large, how far the RTP clock moves. */
interface SourceProfile {
  intervalMs: number;
  timestampStep: number;
  payload: Buffer;
}

/**
 * An Opus TOC byte (configuration 31: CELT fullband, 20 ms, one frame) and
 * filler to about the size of a 32 kbit/s frame. mediasoup 3.12 forwards
 * Opus without decoding it, so only the TOC byte has to be valid.
 */
const OPUS_FRAME = Buffer.concat([Buffer.from([0xf8]), Buffer.alloc(79, 0x55)]);

/**
 * A VP8 keyframe in one packet: an extended payload descriptor with the
 * start-of-partition bit, a frame tag marking a shown keyframe, the start
 * code, 320x240, then filler. Every frame is a keyframe because a new
 * consumer forwards nothing before one and werift cannot encode VP8.
 */
const VP8_KEYFRAME = Buffer.concat([
  Buffer.from([0x90, 0x00, 0x10, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00]),
  Buffer.alloc(988, 0x55),
]);

const PROFILES: Record<MediaKind, SourceProfile> = {
  audio: { intervalMs: 20, timestampStep: 960, payload: OPUS_FRAME },
  video: { intervalMs: 33, timestampStep: 3000, payload: VP8_KEYFRAME },
};

/**
 * A werift track fed with pre-made RTP packets on a timer. It replaces the
 * camera or microphone of a real client because werift 0.18 has no Opus or
 * VP8 encoder. The RTP sender of the track rewrites SSRC and payload type
 * to what was negotiated, so the packets are built with zeros there.
 */
export class SyntheticTrack {
  readonly track: MediaStreamTrack;
  /** Packets handed to the track. Its RTP sender drops those written before DTLS is connected. */
  packetsWritten = 0;
  /** Keyframe requests (RTCP PLI) the track's RTP sender received. */
  keyFrameRequests = 0;
  private timer?: NodeJS.Timeout;

  constructor(readonly kind: MediaKind) {
    this.track = new MediaStreamTrack({ kind });
  }

  start(): void {
    if (this.timer !== undefined) return;

    const profile = PROFILES[this.kind];
    this.timer = setInterval(() => this.writeNext(profile), profile.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.track.stop();
  }

  private writeNext(profile: SourceProfile): void {
    this.packetsWritten += 1;
    const packet = buildRtpPacket({
      payloadType: 0,
      sequenceNumber: this.packetsWritten,
      timestamp: this.packetsWritten * profile.timestampStep,
      ssrc: 0,
      payload: profile.payload,
      // One packet carries a whole frame, so each one ends its frame.
      marker: this.kind === 'video',
    });
    this.track.writeRtp(packet);
  }
}
