import type { Producer, Transport } from 'mediasoup/node/lib/types';

import type { WorkerPool } from './worker-pool';

export interface SampledLoad {
  /** Mean CPU use of the workers over the last interval, 0 to 1. */
  cpu: number;
  /** CPU use per worker, by worker index. */
  workerCpu: number[];
  bitrateIn: number;
  bitrateOut: number;
}

/** One transport's bitrates in the last sample, in bits per second. */
export interface TransportBitrate {
  bitrateIn: number;
  bitrateOut: number;
}

/** RTCP's fraction lost is an 8-bit fixed-point number: 256 means every packet. */
const FRACTION_LOST_SCALE = 256;

/**
 * Measures what the node's counters cannot: worker CPU from getrusage and
 * bitrates from transport stats. Sampling runs on a timer because both
 * cost a request to each worker.
 */
export class LoadSampler {
  private last: SampledLoad = { cpu: 0, workerCpu: [], bitrateIn: 0, bitrateOut: 0 };
  private readonly cpuTimes = new Map<number, { pid: number; cpuMs: number; at: number }>();
  private bitrateByTransport = new Map<string, TransportBitrate>();
  private lossByProducer = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private sampling = false;

  constructor(
    private readonly pool: WorkerPool,
    private readonly transports: () => Transport[],
    private readonly producers: () => Producer[],
    private readonly intervalMs = 2000,
  ) {}

  get current(): SampledLoad {
    return this.last;
  }

  /** Returns a transport's bitrates in the last sample, or zero for a transport not sampled yet. */
  transportBitrate(transportId: string): TransportBitrate {
    return this.bitrateByTransport.get(transportId) ?? { bitrateIn: 0, bitrateOut: 0 };
  }

  /**
   * The share of a producer's inbound RTP packets lost, 0 to 1, as this
   * node counted it for its last RTCP receiver report (the worst of the
   * producer's streams); undefined for a producer not sampled yet.
   */
  producerPacketLoss(producerId: string): number | undefined {
    return this.lossByProducer.get(producerId);
  }

  start(): void {
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sample(): Promise<SampledLoad> {
    if (this.sampling) return this.last;
    this.sampling = true;

    try {
      const workerCpu = await this.sampleCpu();
      const { bitrateIn, bitrateOut } = await this.sampleBitrates();
      await this.samplePacketLoss();
      const cpu = workerCpu.length === 0 ? 0 : workerCpu.reduce((a, b) => a + b, 0) / workerCpu.length;
      this.last = { cpu, workerCpu, bitrateIn, bitrateOut };
    } finally {
      this.sampling = false;
    }
    return this.last;
  }

  private async sampleCpu(): Promise<number[]> {
    const result: number[] = [];

    for (const { index, worker } of this.pool.list()) {
      const usage = await worker.getResourceUsage().catch(() => undefined);
      if (!usage) continue;

      const cpuMs = usage.ru_utime + usage.ru_stime;
      const now = Date.now();
      const before = this.cpuTimes.get(index);
      this.cpuTimes.set(index, { pid: worker.pid, cpuMs, at: now });
      // A respawned worker starts its counters from zero; skip its first sample.
      if (before && before.pid === worker.pid && now > before.at) {
        result[index] = Math.max(0, (cpuMs - before.cpuMs) / (now - before.at));
      }
    }
    return result.map((value) => value ?? 0);
  }

  private async sampleBitrates(): Promise<{ bitrateIn: number; bitrateOut: number }> {
    let bitrateIn = 0;
    let bitrateOut = 0;
    const byTransport = new Map<string, TransportBitrate>();

    for (const transport of this.transports()) {
      const stats = await transport.getStats().catch(() => []);
      const own = { bitrateIn: 0, bitrateOut: 0 };
      for (const entry of stats as { recvBitrate?: number; sendBitrate?: number }[]) {
        own.bitrateIn += entry.recvBitrate ?? 0;
        own.bitrateOut += entry.sendBitrate ?? 0;
      }
      byTransport.set(transport.id, own);
      bitrateIn += own.bitrateIn;
      bitrateOut += own.bitrateOut;
    }

    this.bitrateByTransport = byTransport;
    return { bitrateIn, bitrateOut };
  }

  /** Costs one worker request per producer each interval, as the bitrates cost one per transport. */
  private async samplePacketLoss(): Promise<void> {
    const byProducer = new Map<string, number>();

    for (const producer of this.producers()) {
      const stats = await producer.getStats().catch(() => []);
      const fractions = (stats as { fractionLost?: number }[]).map((entry) => (entry.fractionLost ?? 0) / FRACTION_LOST_SCALE);
      if (fractions.length > 0) byProducer.set(producer.id, Math.max(...fractions));
    }

    this.lossByProducer = byProducer;
  }
}
