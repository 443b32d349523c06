import { createSocket, type Socket } from 'node:dgram';

import { buildRtpPacket, parseRtpPacket } from '@sfu-cluster/testkit';

import { quantile } from './result';

/** One shape of the shared workload: N publishers, each sending one stream at a steady packet rate. */
export interface WorkloadShape {
  name: 'audio' | 'video' | 'livestream';
  kind: 'audio' | 'video';
  publishers: number;
  packetsPerSecond: number;
  /** Bytes per RTP packet, header included. */
  packetBytes: number;
  /** Extra packets sent back to back every keyframeIntervalMs; 0 for none. */
  keyframePackets: number;
  keyframeIntervalMs: number;
}

const VIDEO_PACKET_BYTES = 1100;
/** 1.5 Mbit/s of 1,100-byte packets. */
const VIDEO_PACKETS_PER_SECOND = Math.round(1_500_000 / 8 / VIDEO_PACKET_BYTES);

export const SHAPES: Record<WorkloadShape['name'], WorkloadShape> = {
  audio: { name: 'audio', kind: 'audio', publishers: 10, packetsPerSecond: 50, packetBytes: 120, keyframePackets: 0, keyframeIntervalMs: 0 },
  video: {
    name: 'video', kind: 'video', publishers: 4, packetsPerSecond: VIDEO_PACKETS_PER_SECOND, packetBytes: VIDEO_PACKET_BYTES,
    keyframePackets: 20, keyframeIntervalMs: 2000,
  },
  livestream: {
    name: 'livestream', kind: 'video', publishers: 1, packetsPerSecond: VIDEO_PACKETS_PER_SECOND, packetBytes: VIDEO_PACKET_BYTES,
    keyframePackets: 20, keyframeIntervalMs: 2000,
  },
};

export const OPUS_PAYLOAD_TYPE = 100;
export const VP8_PAYLOAD_TYPE = 101;

/**
 * A VP8 payload descriptor (extended, start of partition 0, no picture id)
 * and a keyframe frame tag with its start code: mediasoup 3.12 reads only
 * extended descriptors, and a video consumer forwards nothing before a
 * keyframe. Every video packet of the workload carries it.
 */
const VP8_KEYFRAME_HEADER = Buffer.from([0x90, 0x00, 0x10, 0x00, 0x00, 0x9d, 0x01, 0x2a]);

/** Tail of every workload payload: a marker, then the send time in nanoseconds of process.hrtime. */
const MARKER = Buffer.from('SFUB');
const TAIL_BYTES = MARKER.length + 8;
const RTP_HEADER_BYTES = 12;

/** How often publishers wake up to send the packets that fell due. */
const TICK_MS = 5;

async function bindLoopback(receiveBufferBytes?: number): Promise<Socket> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: receiveBufferBytes });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

/** Destination of one publisher: a port on 127.0.0.1, and the SSRC its producer expects. */
export interface PublisherTarget {
  port: number;
  ssrc: number;
}

/**
 * N publishers of synthetic RTP, each on its own socket, sending at the
 * shape's rate plus keyframe bursts. Each payload ends with the send time,
 * so a sink in this process measures one-way latency on the same clock.
 */
export class Publishers {
  sent = 0;
  private timer?: NodeJS.Timeout;
  private readonly sequences: number[];

  private constructor(
    private readonly sockets: Socket[],
    private readonly shape: WorkloadShape,
    private readonly targets: PublisherTarget[],
  ) {
    this.sequences = targets.map(() => 0);
  }

  static async create(shape: WorkloadShape, targets: PublisherTarget[]): Promise<Publishers> {
    const sockets = await Promise.all(targets.map(() => bindLoopback()));
    return new Publishers(sockets, shape, targets);
  }

  start(): void {
    const startedAt = Date.now();
    let due = 0;
    let nextKeyframeAt = startedAt;

    this.timer = setInterval(() => {
      const now = Date.now();
      const dueNow = Math.floor(((now - startedAt) / 1000) * this.shape.packetsPerSecond);
      let count = dueNow - due;
      due = dueNow;
      if (this.shape.keyframePackets > 0 && now >= nextKeyframeAt) {
        count += this.shape.keyframePackets;
        nextKeyframeAt += this.shape.keyframeIntervalMs;
      }
      for (let index = 0; index < this.targets.length; index++) {
        for (let packet = 0; packet < count; packet++) this.sendOne(index);
      }
    }, TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.stop();
    for (const socket of this.sockets) socket.close();
  }

  private sendOne(index: number): void {
    const target = this.targets[index]!;
    const sequence = (this.sequences[index] = this.sequences[index]! + 1);
    const video = this.shape.kind === 'video';
    const header = video ? VP8_KEYFRAME_HEADER : Buffer.alloc(0);

    const payload = Buffer.alloc(this.shape.packetBytes - RTP_HEADER_BYTES);
    header.copy(payload, 0);
    MARKER.copy(payload, payload.length - TAIL_BYTES);
    payload.writeBigUInt64BE(process.hrtime.bigint(), payload.length - 8);

    const packet = buildRtpPacket({
      payloadType: video ? VP8_PAYLOAD_TYPE : OPUS_PAYLOAD_TYPE,
      sequenceNumber: sequence,
      timestamp: sequence * (video ? 3000 : 960),
      ssrc: target.ssrc,
      payload,
    });
    this.sockets[index]!.send(packet, target.port, '127.0.0.1');
    this.sent += 1;
  }
}

/** Latency samples kept per sink set; beyond it, samples replace random earlier ones (reservoir sampling). */
const LATENCY_SAMPLES = 200_000;

/**
 * M subscriber sockets that count workload packets (RTP whose payload ends
 * with the marker) and sample their one-way latency. RTCP, probation and
 * padding-only packets are not counted.
 */
export class Sinks {
  received = 0;
  /** Counting and latency sampling happen only while measuring is true. */
  measuring = false;
  private readonly latenciesMs: number[] = [];
  /** Index of the sink each latency sample came from. */
  private readonly latencySinks: number[] = [];
  /** Send time of each latency sample's packet, which identifies the packet across sinks. */
  private readonly latencyPackets: bigint[] = [];
  private seen = 0;
  /** Workload packets per sink since creation, counted or not. */
  private readonly arrivals: number[];

  private constructor(private readonly sockets: Socket[]) {
    this.arrivals = sockets.map(() => 0);
    sockets.forEach((socket, index) => socket.on('message', (packet) => this.onPacket(index, packet)));
  }

  static async create(count: number): Promise<Sinks> {
    // Keyframe bursts reach every sink at once; a larger buffer keeps the kernel from dropping them while Node is busy.
    const sockets = await Promise.all(Array.from({ length: count }, () => bindLoopback(4 << 20)));
    return new Sinks(sockets);
  }

  get ports(): number[] {
    return this.sockets.map((socket) => socket.address().port);
  }

  /** Returns true once every sink has received workload packets; for waiting until media flows. */
  arrivedAtAll(): boolean {
    return this.arrivals.every((count) => count > 0);
  }

  /** Returns the latency quantiles of every sink, or of the sinks at sinkIndexes only. */
  latency(sinkIndexes?: number[]): { p50Ms: number; p99Ms: number } {
    const selected = sinkIndexes === undefined ? undefined : new Set(sinkIndexes);
    const samples = selected === undefined ? this.latenciesMs : this.latenciesMs.filter((_, sample) => selected.has(this.latencySinks[sample]!));
    const sorted = [...samples].sort((a, b) => a - b);
    return { p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99) };
  }

  /**
   * Returns the quantiles of each latency sample at the sinks at sinkIndexes
   * minus the mean latency of the same packet at the other sinks. A delay of
   * this process that delays a packet for both sets alike cancels out, so
   * the result is closer to the delay between the two sets of sinks.
   * Packets seen on one side only are skipped.
   */
  relativeLatency(sinkIndexes: number[]): { p50Ms: number; p99Ms: number } {
    const inside = new Set(sinkIndexes);
    const outside = new Map<bigint, { totalMs: number; count: number }>();
    this.latenciesMs.forEach((latencyMs, sample) => {
      if (inside.has(this.latencySinks[sample]!)) return;
      const packet = this.latencyPackets[sample]!;
      const entry = outside.get(packet) ?? { totalMs: 0, count: 0 };
      entry.totalMs += latencyMs;
      entry.count += 1;
      outside.set(packet, entry);
    });

    const differences: number[] = [];
    this.latenciesMs.forEach((latencyMs, sample) => {
      if (!inside.has(this.latencySinks[sample]!)) return;
      const entry = outside.get(this.latencyPackets[sample]!);
      if (entry !== undefined) differences.push(latencyMs - entry.totalMs / entry.count);
    });
    differences.sort((a, b) => a - b);
    return { p50Ms: quantile(differences, 0.5), p99Ms: quantile(differences, 0.99) };
  }

  close(): void {
    for (const socket of this.sockets) socket.close();
  }

  private onPacket(index: number, packet: Buffer): void {
    const rtp = parseRtpPacket(packet);
    if (rtp === undefined || rtp.payload.length < TAIL_BYTES) return;
    const tail = rtp.payload.subarray(rtp.payload.length - TAIL_BYTES);
    if (!tail.subarray(0, MARKER.length).equals(MARKER)) return;

    this.arrivals[index] = this.arrivals[index]! + 1;
    if (!this.measuring) return;

    this.received += 1;
    const sentAt = tail.readBigUInt64BE(MARKER.length);
    const latencyMs = Number(process.hrtime.bigint() - sentAt) / 1e6;
    this.seen += 1;
    if (this.latenciesMs.length < LATENCY_SAMPLES) {
      this.latenciesMs.push(latencyMs);
      this.latencySinks.push(index);
      this.latencyPackets.push(sentAt);
      return;
    }
    const slot = Math.floor(Math.random() * this.seen);
    if (slot < LATENCY_SAMPLES) {
      this.latenciesMs[slot] = latencyMs;
      this.latencySinks[slot] = index;
      this.latencyPackets[slot] = sentAt;
    }
  }
}
