import type { Redis } from 'ioredis';

/** Interval at which a process waiting for Redis logs that it waits. */
const REPORT_EVERY_MS = 5000;

/**
 * Resolves once the connection is ready. A process that starts while Redis
 * is away waits for it, saying every few seconds where it is waiting,
 * instead of exiting: a restart during a Redis outage then recovers by
 * itself when Redis returns.
 */
export async function waitForRedis(redis: Redis, where: string, report: (message: string, fields: Record<string, unknown>) => void): Promise<void> {
  if (redis.status === 'ready') return;

  const started = Date.now();
  const timer = setInterval(() => {
    report('waiting for Redis; check REDIS_URL and that Redis runs', { redis: where, waitedSeconds: Math.round((Date.now() - started) / 1000) });
  }, REPORT_EVERY_MS);

  try {
    await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  } finally {
    clearInterval(timer);
  }
}

/**
 * Resolves once a connection is ready. Subscribe only after this: seen here
 * with ioredis 5, a SUBSCRIBE sent while the connection was still starting
 * resolved but left the connection unsubscribed, so its messages were lost.
 */
export async function whenReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
}
