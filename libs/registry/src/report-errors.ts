import type { Redis } from 'ioredis';

/** During an outage, one line per this interval, not one per reconnect attempt. */
const REPORT_EVERY_MS = 30_000;

type Report = (message: string, fields: Record<string, unknown>) => void;

/**
 * Logs a connection's errors without flooding: the first error of an
 * outage at once, then a count every 30 s, and a line when it is back.
 */
export function reportRedisErrors(redis: Redis, name: string, report: Report): void {
  let failing = false;
  let errors = 0;
  let lastReport = 0;

  redis.on('error', (error: Error) => {
    errors += 1;
    const now = Date.now();
    if (failing && now - lastReport < REPORT_EVERY_MS) return;

    const message = failing ? 'redis still unreachable; retrying' : 'redis connection error; retrying';
    report(message, { connection: name, error: error.message, errors });
    failing = true;
    lastReport = now;
  });

  redis.on('ready', () => {
    if (failing) report('redis connection back', { connection: name, errors });
    failing = false;
    errors = 0;
  });
}
