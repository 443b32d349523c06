import { Redis, type RedisOptions } from 'ioredis';

import type { RedisConfig } from '@sfu-cluster/config';

export type { Redis } from 'ioredis';

export interface RedisClientOptions {
  /** Shown by CLIENT LIST, so an operator can tell connections apart. */
  connectionName: string;
  /**
   * BullMQ needs null here: its blocking commands must wait for a reconnect
   * rather than fail after a fixed number of retries.
   */
  maxRetriesPerRequest?: number | null;
}

/**
 * Opens a connection to the primary, directly or through Sentinel. It keeps
 * reconnecting for as long as Redis is away, so a Redis restart pauses the
 * cluster instead of crashing it.
 */
export function createRedis(config: RedisConfig, options: RedisClientOptions): Redis {
  const base: RedisOptions = {
    connectionName: options.connectionName,
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 2 : options.maxRetriesPerRequest,
    // Back off to one attempt a second, never give up.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    lazyConnect: false,
  };

  if (config.sentinels.length === 0) {
    return new Redis(config.url, base);
  }

  const url = new URL(config.url);
  return new Redis({
    ...base,
    sentinels: config.sentinels,
    name: config.sentinelName,
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
  });
}

/** up when the connection is ready for commands, down otherwise. */
export function redisStatus(redis: Redis): 'up' | 'down' {
  return redis.status === 'ready' ? 'up' : 'down';
}
