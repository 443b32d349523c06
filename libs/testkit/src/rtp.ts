/** What a test needs from an RTP packet: header fields and the payload. */
export interface RtpPacketView {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

export interface RtpPacketOptions {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
  marker?: boolean;
}

/** Builds an RTP packet with a plain 12-byte header (no CSRCs, no extension). */
export function buildRtpPacket(options: RtpPacketOptions): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = (options.marker ? 0x80 : 0) | (options.payloadType & 0x7f);
  header.writeUInt16BE(options.sequenceNumber & 0xffff, 2);
  header.writeUInt32BE(options.timestamp >>> 0, 4);
  header.writeUInt32BE(options.ssrc >>> 0, 8);
  return Buffer.concat([header, options.payload]);
}

/**
 * Reads an RTP packet, skipping CSRCs and header extensions (mediasoup adds
 * extensions on the way out). Returns undefined for RTCP or a malformed packet.
 */
export function parseRtpPacket(packet: Buffer): RtpPacketView | undefined {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return undefined;

  const payloadType = packet[1]! & 0x7f;
  // RTCP packet types 200-204 land on 72-76 once the marker bit is masked.
  if (payloadType >= 72 && payloadType <= 76) return undefined;

  let offset = 12 + 4 * (packet[0]! & 0x0f);
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return undefined;
    offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  }

  let end = packet.length;
  if (packet[0]! & 0x20) end -= packet[packet.length - 1]!;
  if (offset > end) return undefined;

  return {
    payloadType,
    sequenceNumber: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    payload: packet.subarray(offset, end),
  };
}
