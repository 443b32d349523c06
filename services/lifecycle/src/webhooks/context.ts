import type { Queue } from 'bullmq';

import type { LifecycleConfig } from '@sfu-cluster/config';
import type { WebhookOutbox } from '@sfu-cluster/jobs';
import type { Logger } from '@sfu-cluster/logger';

export type WebhookConfig = LifecycleConfig['webhooks'];

/** Dependencies of the delivery and replay handlers: the outbox, the queue for follow-up jobs, config and a logger. */
export interface WebhookContext {
  outbox: WebhookOutbox;
  queue: Queue;
  config: WebhookConfig;
  logger: Logger;
}

/** Maximum delay between two attempts: 5 minutes. */
export const MAX_BACKOFF_MS = 5 * 60 * 1000;

/**
 * Delay before the next attempt after attemptsMade failures: base doubled
 * per failure, capped at MAX_BACKOFF_MS, minus up to 20 % at random so that
 * rooms failing together do not retry together.
 */
export function webhookBackoffMs(attemptsMade: number, baseMs: number): number {
  const exponent = Math.min(Math.max(attemptsMade - 1, 0), 30);
  const delay = Math.min(baseMs * 2 ** exponent, MAX_BACKOFF_MS);
  return Math.round(delay * (1 - 0.2 * Math.random()));
}
