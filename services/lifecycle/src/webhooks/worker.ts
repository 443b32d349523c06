import { Worker, type Job, type Queue } from 'bullmq';

import { redactUrl } from '@sfu-cluster/config';
import {
  bullPrefix,
  enqueueWebhookDelivery,
  openWebhookQueue,
  queues,
  webhookJobs,
  WebhookOutbox,
  type WebhookDeliverJob,
  type WebhookReplayJob,
} from '@sfu-cluster/jobs';
import { moduleLogger, type Logger } from '@sfu-cluster/logger';
import type { Redis } from '@sfu-cluster/registry';

import { webhookBackoffMs, type WebhookConfig, type WebhookContext } from './context';
import { deliverWebhookEvent } from './delivery';
import { runReplayJob } from './replay';

export interface WebhookWorkerOptions {
  /** A connection with maxRetriesPerRequest null, as BullMQ workers need. */
  redis: Redis;
  redisPrefix: string;
  config: WebhookConfig;
  logger: Logger;
  /** Rooms delivered in parallel by this process (default 16). */
  concurrency?: number;
  /** Milliseconds between sweeps that enqueue a job for every room with pending events (default 10000). */
  sweepIntervalMs?: number;
}

export interface WebhookWorker {
  worker: Worker;
  queue: Queue;
  /** Enqueues a delivery job for the oldest pending event of every room; returns the number of rooms. */
  sweep(): Promise<number>;
  /** Stops the sweep, waits for running jobs and closes the worker; the connection stays open. */
  close(): Promise<void>;
}

/**
 * A job lock lives this long unless the worker renews it (every half of
 * it), so a job whose process was killed runs again on another worker
 * within about this plus STALLED_INTERVAL_MS.
 */
const LOCK_DURATION_MS = 10_000;
const STALLED_INTERVAL_MS = 5_000;

/**
 * Starts the worker of the webhooks queue, which runs webhook-deliver and
 * webhook-replay jobs. A sweep at start and on an interval enqueues the
 * oldest pending event of every room, which repairs a room whose event has
 * no job because its recorder died before enqueuing or BullMQ failed the
 * job after repeated stalls.
 */
export function startWebhookWorker(options: WebhookWorkerOptions): WebhookWorker {
  const logger = moduleLogger(options.logger, 'webhooks');
  const queue = openWebhookQueue(options.redis, options.redisPrefix);
  const context: WebhookContext = {
    outbox: new WebhookOutbox(options.redis, options.redisPrefix),
    queue,
    config: options.config,
    logger,
  };

  const worker = new Worker(queues.webhooks, (job: Job) => runWebhookJob(job, context), {
    connection: options.redis,
    prefix: bullPrefix(options.redisPrefix),
    concurrency: options.concurrency ?? 16,
    lockDuration: LOCK_DURATION_MS,
    stalledInterval: STALLED_INTERVAL_MS,
    settings: { backoffStrategy: (attemptsMade: number) => webhookBackoffMs(attemptsMade, options.config.backoffMs) },
  });
  worker.on('error', (error) => logger.warn('webhook worker error', { error: error.message }));
  worker.on('stalled', (jobId) => logger.warn('webhook job stalled; its process died or blocked, so it runs again', { jobId }));

  const sweep = async (): Promise<number> => {
    const rooms = await context.outbox.pendingRooms();
    for (const roomId of rooms) {
      const head = await context.outbox.head(roomId);
      if (head !== undefined) await enqueueWebhookDelivery(queue, roomId, head);
    }
    if (rooms.length > 0) logger.debug('webhook sweep enqueued pending rooms', { rooms: rooms.length });
    return rooms.length;
  };
  const sweepLogged = () =>
    sweep().catch((error: Error) => logger.warn('webhook sweep failed; retrying at the next interval', { error: error.message }));

  void sweepLogged();
  const timer = setInterval(sweepLogged, options.sweepIntervalMs ?? 10_000);
  timer.unref();

  logWebhookStart(logger, options.config);

  return {
    worker,
    queue,
    sweep,
    close: async () => {
      clearInterval(timer);
      await worker.close();
      await queue.close();
    },
  };
}

async function runWebhookJob(job: Job, context: WebhookContext): Promise<unknown> {
  switch (job.name) {
    case webhookJobs.deliver:
      return deliverWebhookEvent(job as Job<WebhookDeliverJob>, context);
    case webhookJobs.replay:
      return runReplayJob(job as Job<WebhookReplayJob>, context);
    default:
      // An unknown job fails visibly instead of being dropped.
      throw new Error(`no handler for job ${job.name} on queue ${queues.webhooks}`);
  }
}

function logWebhookStart(logger: Logger, config: WebhookConfig): void {
  if (config.urls.length === 0) {
    logger.info('webhooks are off because WEBHOOK_URLS is empty; events are kept in the outbox for replay but not posted');
    return;
  }
  logger.info('webhook worker started', {
    queue: queues.webhooks,
    receivers: config.urls.map(redactUrl),
    maxAttempts: config.maxAttempts,
    timeoutMs: config.timeoutMs,
  });
}
