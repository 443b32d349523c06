import type { Queue } from 'bullmq';

import { enqueueNodeRecovery } from '@sfu-cluster/jobs';
import type { Logger } from '@sfu-cluster/logger';
import { NODE_TTL_MS, type Redis, type Registry } from '@sfu-cluster/registry';
import { channels } from '@sfu-cluster/rpc';

/** How often the watcher looks for expired node records and silent request channels. */
const POLL_MS = 250;

/**
 * How long a live node's RPC request channel may have no subscriber before
 * the node is declared lost. A killed process's Redis connections close at
 * once, so this finds a crash well before its record's 3 s TTL runs out.
 * The wait covers a subscriber that reconnects after a short network blip.
 */
export const UNSUBSCRIBED_LOST_MS = 750;

/**
 * After Redis comes back, nodes get this long to write a heartbeat before
 * any is declared lost: their records expired during the outage while the
 * nodes themselves were fine.
 */
const REREGISTER_GRACE_MS = NODE_TTL_MS + 2000;

/**
 * Declares SFU nodes lost when their records expire, or when nothing has
 * listened on their RPC request channel for UNSUBSCRIBED_LOST_MS, and
 * enqueues their recovery. It only declares while its own Redis connection
 * has been up for a whole TTL window and the grace after it, so a Redis
 * restart does not set off a recovery of every node.
 */
export class LostNodeWatcher {
  private readySince?: number;
  /** Nodes already announced lost, so each is logged once while its recovery runs. */
  private readonly announced = new Set<string>();
  /** When each live node's request channel was first seen without a subscriber. */
  private readonly silentSince = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private checking = false;

  constructor(
    private readonly redis: Redis,
    private readonly registry: Registry,
    private readonly queue: Queue,
    private readonly logger: Logger,
    private readonly prefix: string,
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
      const { live, expired } = await this.registry.nodes.index();
      const silent = await this.silentNodes(live.map((node) => node.id));

      for (const nodeId of silent) {
        await this.registry.nodes.expire(nodeId);
        this.logger.warn('sfu node stopped listening for requests; recovering its rooms', {
          lostNodeId: nodeId,
          silentMs: UNSUBSCRIBED_LOST_MS,
        });
        this.announced.add(nodeId);
      }

      for (const nodeId of [...expired, ...silent]) {
        await enqueueNodeRecovery(this.queue, nodeId);
        if (!this.announced.has(nodeId)) this.logger.warn('sfu node record expired; recovering its rooms', { lostNodeId: nodeId });
        this.announced.add(nodeId);
      }
      for (const nodeId of this.announced) if (!expired.includes(nodeId) && !silent.includes(nodeId)) this.announced.delete(nodeId);
    } catch (error) {
      this.logger.debug('lost-node check failed; retrying', { error: (error as Error).message });
    } finally {
      this.checking = false;
    }
  }

  /** Returns the live nodes whose request channel has had no subscriber for UNSUBSCRIBED_LOST_MS. */
  private async silentNodes(nodeIds: string[]): Promise<string[]> {
    if (nodeIds.length === 0) {
      this.silentSince.clear();
      return [];
    }

    const reply = (await this.redis.call('PUBSUB', 'NUMSUB', ...nodeIds.map((nodeId) => channels.requests(this.prefix, nodeId)))) as (string | number)[];
    const now = Date.now();
    const silent: string[] = [];
    nodeIds.forEach((nodeId, index) => {
      if (Number(reply[index * 2 + 1]) > 0) {
        this.silentSince.delete(nodeId);
        return;
      }
      const since = this.silentSince.get(nodeId) ?? now;
      this.silentSince.set(nodeId, since);
      if (now - since >= UNSUBSCRIBED_LOST_MS) silent.push(nodeId);
    });

    for (const nodeId of this.silentSince.keys()) if (!nodeIds.includes(nodeId)) this.silentSince.delete(nodeId);
    return silent;
  }
}
