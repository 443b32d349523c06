import type { Logger } from '@sfu-cluster/logger';
import type { Redis, Registry } from '@sfu-cluster/registry';
import { channels, type RpcClient } from '@sfu-cluster/rpc';

/** Dependencies of room and node jobs. */
export interface RoomJobContext {
  registry: Registry;
  rpc: RpcClient;
  redis: Redis;
  /** Connection for BullMQ queues (it waits out a Redis restart). */
  queueRedis: Redis;
  prefix: string;
  logger: Logger;
}

/** Publishes an event on the channel signaling relays to clients (reconnectMedia, roomClosed). */
export async function publishClusterEvent(context: RoomJobContext, event: Record<string, unknown>): Promise<void> {
  const message = JSON.stringify({ ...event, nodeId: event.nodeId ?? 'lifecycle', at: Date.now() });
  await context.redis.publish(channels.nodeEvents(context.prefix), message);
}
