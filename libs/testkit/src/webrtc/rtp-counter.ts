import type { MediaStreamTrack } from 'msc-node';

/** Counts the RTP packets that arrive on a received werift track, after SRTP decryption. */
export class RtpCounter {
  packets = 0;
  /** Bytes of whole RTP packets: header, extensions and payload. */
  bytes = 0;
  /** Date.now() at the first packet, or undefined before one arrives. */
  firstPacketAt?: number;
  lastPacketAt?: number;
  private readonly unsubscribe: () => void;

  constructor(track: MediaStreamTrack) {
    const { unSubscribe } = track.onReceiveRtp.subscribe((packet) => {
      const now = Date.now();
      this.packets += 1;
      this.bytes += packet.serializeSize;
      this.firstPacketAt ??= now;
      this.lastPacketAt = now;
    });
    this.unsubscribe = unSubscribe;
  }

  stop(): void {
    this.unsubscribe();
  }
}
