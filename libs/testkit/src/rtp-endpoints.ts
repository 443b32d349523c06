import { createSocket, type Socket } from 'node:dgram';

import { buildRtpPacket, parseRtpPacket, type RtpPacketView } from './rtp';

async function bind(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

export interface RtpSenderOptions {
  ssrc: number;
  payloadType: number;
  /** Bytes of payload per packet. */
  payloadSize?: number;
  /** Milliseconds between packets. */
  intervalMs?: number;
  /** RTP clock ticks per packet (960 for 20 ms of Opus). */
  timestampStep?: number;
  /** Bytes every payload starts with, such as a VP8 payload descriptor. */
  payloadHeader?: Buffer;
}

/**
 * Sends synthetic RTP from 127.0.0.1 to a plain transport and records the
 * RTCP that comes back (receiver reports, keyframe requests). Each payload
 * names its sequence number, so a receiver can check what arrived.
 */
export class RtpSender {
  readonly sent: Buffer[] = [];
  readonly rtcp: Buffer[] = [];
  private timer?: NodeJS.Timeout;
  private sequence = 0;

  private constructor(
    private readonly socket: Socket,
    private readonly options: RtpSenderOptions,
  ) {
    socket.on('message', (packet) => {
      if (parseRtpPacket(packet) === undefined) this.rtcp.push(packet);
    });
  }

  static async create(options: RtpSenderOptions): Promise<RtpSender> {
    return new RtpSender(await bind(), options);
  }

  /** Sends one packet now and returns it. */
  sendOne(ip: string, port: number): Buffer {
    this.sequence += 1;
    const header = this.options.payloadHeader ?? Buffer.alloc(0);
    const body = Buffer.from(`seq-${this.sequence}:`.padEnd((this.options.payloadSize ?? 100) - header.length, '.'));
    const packet = buildRtpPacket({
      payloadType: this.options.payloadType,
      sequenceNumber: this.sequence,
      timestamp: this.sequence * (this.options.timestampStep ?? 960),
      ssrc: this.options.ssrc,
      payload: Buffer.concat([header, body]),
    });
    this.sent.push(packet);
    this.socket.send(packet, port, ip);
    return packet;
  }

  start(ip: string, port: number): void {
    this.stop();
    this.timer = setInterval(() => this.sendOne(ip, port), this.options.intervalMs ?? 20);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** RTCP payload-specific feedback with FMT 1 (PLI) or 4 (FIR): a keyframe request. */
  keyFrameRequests(): number {
    let count = 0;
    for (const packet of this.rtcp) {
      // A compound packet holds several RTCP packets; walk them by their length fields.
      for (let offset = 0; offset + 4 <= packet.length; ) {
        const fmt = packet[offset]! & 0x1f;
        const type = packet[offset + 1]!;
        if (type === 206 && (fmt === 1 || fmt === 4)) count += 1;
        offset += 4 * (packet.readUInt16BE(offset + 2) + 1);
      }
    }
    return count;
  }

  close(): void {
    this.stop();
    this.socket.close();
  }
}

/** Receives RTP from a plain transport and keeps what arrived. */
export class RtpReceiver {
  readonly packets: RtpPacketView[] = [];
  bytes = 0;
  lastArrival = 0;

  private constructor(private readonly socket: Socket) {
    socket.on('message', (packet) => {
      const rtp = parseRtpPacket(packet);
      if (rtp === undefined) return;
      this.packets.push(rtp);
      this.bytes += packet.length;
      this.lastArrival = Date.now();
    });
  }

  static async create(): Promise<RtpReceiver> {
    return new RtpReceiver(await bind());
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Packets of one payload type (mediasoup also sends RTX and probation packets). */
  ofType(payloadType: number): RtpPacketView[] {
    return this.packets.filter((packet) => packet.payloadType === payloadType);
  }

  close(): void {
    this.socket.close();
  }
}
