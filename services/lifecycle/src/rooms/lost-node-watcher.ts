import type { Queue } from 'bullmq';

import { enqueueNodeRecovery } from '@sfu-cluster/jobs';
import type { Logger } from '@sfu-cluster/logger';
import { NODE_TTL_MS, type Redis, type Registry } from '@sfu-cluster/registry';

/** How often the watcher looks for expired node records. */
const POLL_MS = 250;

/**
 * After Redis comes back, nodes get this long to write a heartbeat before
 * any is declared lost: their records expired during the outage while the
 * nodes themselves were fine.
 */
const REREGISTER_GRACE_MS = NODE_TTL_MS + 2000;

/**
 * Declares SFU nodes lost when their records expire, and enqueues their
 * recovery. It only declares while its own Redis connection has been up
 * for a whole TTL window and the grace after it, so a Redis restart does
 * not set off a recovery of every node.
 */
export class LostNodeWatcher {
  private readySince?: number;
  /** Nodes already announced lost, so each is logged once while its recovery runs. */
  private readonly announced = new Set<string>();
  private timer?: NodeJS.Timeout;
  private checking = false;

  constructor(
    private readonly redis: Redis,
    private readonly registry: Registry,
    private readonly queue: Queue,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.redis.status === 'ready') this.readySince = Date.now();
    this.redis.on('ready', () => (this.readySince = Date.now()));
    this.redis.on('close', () => (this.readySince = undefined));
    this.redis.on('end', () => (this.readySince = undefined));

    this.timer = setInterval(() => void this.check(), POLL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    if (this.checking || this.readySince === undefined) return;
    if (Date.now() - this.readySince < REREGISTER_GRACE_MS) return;
    this.checking = true;

    try {
      const expired = await this.registry.nodes.expiredNodeIds();
      for (const nodeId of expired) {
        await enqueueNodeRecovery(this.queue, nodeId);
        if (!this.announced.has(nodeId)) this.logger.warn('sfu node record expired; recovering its rooms', { lostNodeId: nodeId });
        this.announced.add(nodeId);
      }
      for (const nodeId of this.announced) if (!expired.includes(nodeId)) this.announced.delete(nodeId);
    } catch (error) {
      this.logger.debug('lost-node check failed; retrying', { error: (error as Error).message });
    } finally {
      this.checking = false;
    }
  }
}
