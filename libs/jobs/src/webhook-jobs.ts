import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';

import { bullPrefix, queues } from './queues';
import { normalizeWebhookEvent, type WebhookEventInput } from './webhook-events';
import { WebhookOutbox, type RecordedWebhookEvent } from './webhook-outbox';

/** Job names on the webhooks queue. */
export const webhookJobs = {
  /** Posts one room's oldest pending event, then enqueues the room's next one. */
  deliver: 'webhook-deliver',
  /** Posts again every event recorded since a time, in record order. */
  replay: 'webhook-replay',
} as const;

/** Payload of a webhook-deliver job. */
export interface WebhookDeliverJob {
  roomId: string;
  eventId: string;
  /** Receiver URLs that accepted the event in an earlier attempt; the worker skips them on a retry. */
  deliveredTo?: string[];
}

/** Payload of a webhook-replay job. */
export interface WebhookReplayJob {
  /** Milliseconds since the Unix epoch; events recorded at or after it are posted again. */
  since: number;
  /** Receivers to post to, each one of WEBHOOK_URLS; all of them when omitted. */
  urls?: string[];
  /** Entry id of the last event posted; the worker saves it so a retry resumes after it. */
  after?: string;
  /** Entry id of the newest event when the replay started; the replay ends there. */
  until?: string;
}

/**
 * BullMQ's own attempt limit for webhook jobs. The worker stops at
 * WEBHOOK_MAX_ATTEMPTS, which recording processes do not read, so jobs are
 * enqueued with this ceiling and the configured limit applies where the
 * attempts happen.
 */
export const WEBHOOK_ATTEMPTS_CEILING = 1000;

/** Name of the backoff strategy the webhook worker registers: exponential with a cap. */
export const WEBHOOK_BACKOFF_TYPE = 'webhook-exponential';

const webhookJobOptions: JobsOptions = {
  attempts: WEBHOOK_ATTEMPTS_CEILING,
  backoff: { type: WEBHOOK_BACKOFF_TYPE },
  // The outbox, not BullMQ, records which events are pending, so finished
  // jobs are removed. The sweep can then enqueue a removed job id again.
  removeOnComplete: true,
  removeOnFail: true,
};

/** BullMQ job id of the delivery of one event, so enqueuing it twice makes one job. */
export function webhookDeliverJobId(eventId: string): string {
  return `${webhookJobs.deliver}-${eventId}`;
}

/** Opens the webhooks queue on a connection the caller owns; close() leaves the connection open. */
export function openWebhookQueue(redis: Redis, redisPrefix: string): Queue {
  return new Queue(queues.webhooks, { connection: redis, prefix: bullPrefix(redisPrefix) });
}

/** Makes sure a delivery job exists for a room's oldest pending event; a no-op while one does. */
export async function enqueueWebhookDelivery(queue: Queue, roomId: string, eventId: string): Promise<void> {
  const data: WebhookDeliverJob = { roomId, eventId };
  await queue.add(webhookJobs.deliver, data, { ...webhookJobOptions, jobId: webhookDeliverJobId(eventId) });
}

/**
 * Enqueues a replay of every event recorded at or after since (ms since the
 * Unix epoch). Requests for the same time and receivers collapse into one
 * job while it waits or runs.
 */
export async function enqueueWebhookReplay(queue: Queue, since: number, urls?: string[]): Promise<string> {
  if (!Number.isFinite(since) || since < 0) {
    throw new TypeError(`invalid replay time ${since}: pass milliseconds since the Unix epoch`);
  }

  const data: WebhookReplayJob = { since: Math.floor(since), urls };
  const jobId = `${webhookJobs.replay}-${data.since}-${urls === undefined ? 'all' : urlsKey(urls)}`;
  await queue.add(webhookJobs.replay, data, { ...webhookJobOptions, jobId });
  return jobId;
}

/** A per-connection queue, so that recording an event does not open a queue each time. */
const queuesByConnection = new WeakMap<Redis, Map<string, Queue>>();

function cachedWebhookQueue(redis: Redis, redisPrefix: string): Queue {
  let byPrefix = queuesByConnection.get(redis);
  if (byPrefix === undefined) {
    byPrefix = new Map();
    queuesByConnection.set(redis, byPrefix);
  }

  let queue = byPrefix.get(redisPrefix);
  if (queue === undefined) {
    queue = openWebhookQueue(redis, redisPrefix);
    byPrefix.set(redisPrefix, queue);
  }
  return queue;
}

/**
 * Records a webhook event in the durable outbox and makes sure a delivery
 * job exists for its room. Any process may call it. The append is atomic:
 * the event gets its room's next sequence number and the Redis server time.
 * An id recorded before (within 7 days) is not recorded again.
 *
 * If this process dies between the append and the enqueue, the event stays
 * pending and the lifecycle worker's periodic sweep enqueues it.
 * Throws TypeError for an invalid event and the Redis error when Redis is down.
 */
export async function recordWebhookEvent(
  redis: Redis,
  redisPrefix: string,
  input: WebhookEventInput,
): Promise<RecordedWebhookEvent> {
  const event = normalizeWebhookEvent(input);

  const recorded = await new WebhookOutbox(redis, redisPrefix).record(event);

  if (recorded.headEventId !== undefined) {
    await enqueueWebhookDelivery(cachedWebhookQueue(redis, redisPrefix), event.roomId, recorded.headEventId);
  }
  return recorded;
}

function urlsKey(urls: string[]): string {
  // Job ids must not contain a colon, which every URL does.
  return Buffer.from([...urls].sort().join(',')).toString('base64url');
}
