/**
 * Queue names. Only this module names queues, so a rename cannot leave a
 * producer and its worker on different queues.
 */
export const queues = {
  /** Room lifecycle: empty-room close, maximum duration, recovery of lost nodes. */
  rooms: 'rooms',
  /** Webhook delivery from the outbox, and replay. */
  webhooks: 'webhooks',
} as const;

export type QueueName = (typeof queues)[keyof typeof queues];

/**
 * BullMQ puts its keys under this prefix; the cluster's REDIS_PREFIX goes in
 * front, so several clusters can share one Redis.
 */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}bull`;
}
