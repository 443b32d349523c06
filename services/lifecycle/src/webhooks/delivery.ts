import type { Job } from 'bullmq';

import { redactUrl } from '@sfu-cluster/config';
import { enqueueWebhookDelivery, type WebhookDeliverJob, type WebhookEvent } from '@sfu-cluster/jobs';

import { webhookBackoffMs, type WebhookContext } from './context';
import { postWebhook } from './sender';

export type DeliveryOutcome = 'delivered' | 'dropped' | 'already-done' | 'waiting';

/** Raised to make BullMQ retry a delivery after its backoff; the message lists each failed receiver. */
export class WebhookDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

/**
 * Runs one webhook-deliver job: posts the room's oldest pending event to
 * every receiver that has not accepted it yet, then removes it from the
 * outbox and enqueues the room's next event. A failed POST throws
 * WebhookDeliveryError, so BullMQ retries after its backoff. After
 * WEBHOOK_MAX_ATTEMPTS attempts the event is dropped with an error log,
 * but it stays in the stream for replay.
 */
export async function deliverWebhookEvent(job: Job<WebhookDeliverJob>, context: WebhookContext): Promise<DeliveryOutcome> {
  const { roomId, eventId } = job.data;
  const attempt = job.attemptsMade + 1;
  const logger = context.logger.child({ roomId, eventId, attempt });

  // Only the oldest pending event of a room may be posted, which keeps each room's events in order.
  const head = await context.outbox.head(roomId);
  if (head !== eventId) return skipNonHead(job, context, head);

  if (context.config.urls.length === 0) {
    logger.debug('webhook event not posted because WEBHOOK_URLS is empty');
    await advanceRoom(context, roomId, eventId);
    return 'delivered';
  }

  const event = await context.outbox.read(eventId);
  if (event === undefined) {
    logger.error('dropped webhook event: it is no longer in the outbox; its 7-day retention ran out before delivery', {
      fix: 'nothing to replay; check why webhook delivery stalled for days',
    });
    await advanceRoom(context, roomId, eventId);
    return 'dropped';
  }

  const failures = await postToReceivers(job, context, event);
  if (failures.length === 0) {
    logger.debug('webhook delivered', { type: event.type, sequence: event.sequence });
    await advanceRoom(context, roomId, eventId);
    return 'delivered';
  }

  const reasons = failures.map(({ url, reason }) => `${redactUrl(url)}: ${reason}`);
  if (attempt >= context.config.maxAttempts) {
    logger.error('dropped webhook event after the last attempt; later events of the room go on', {
      type: event.type,
      sequence: event.sequence,
      failures: reasons,
      fix: `make the receiver respond with 2xx, then enqueue a webhook-replay job with since=${event.timestamp}`,
    });
    await advanceRoom(context, roomId, eventId);
    return 'dropped';
  }

  logger.warn('webhook delivery failed; retrying', {
    type: event.type,
    sequence: event.sequence,
    failures: reasons,
    retryInMs: webhookBackoffMs(attempt, context.config.backoffMs),
    attemptsLeft: context.config.maxAttempts - attempt,
  });
  throw new WebhookDeliveryError(`webhook event ${eventId} of room ${roomId} was not accepted: ${reasons.join('; ')}`);
}

/** Posts to each receiver not in deliveredTo, saves who accepted in the job, and returns the failures. */
async function postToReceivers(
  job: Job<WebhookDeliverJob>,
  context: WebhookContext,
  event: WebhookEvent,
): Promise<{ url: string; reason: string }[]> {
  const deliveredTo = new Set(job.data.deliveredTo ?? []);
  const failures: { url: string; reason: string }[] = [];
  let accepted = 0;

  for (const url of context.config.urls) {
    if (deliveredTo.has(url)) continue;

    const result = await postWebhook(url, event, context.config);
    if (result.ok) {
      deliveredTo.add(url);
      accepted += 1;
    } else {
      failures.push({ url, reason: result.reason });
    }
  }

  // NOTE: saved in the job only, so a receiver that accepted may get the
  // event again if this process dies before the outbox is advanced.
  if (failures.length > 0 && accepted > 0) {
    await job.updateData({ ...job.data, deliveredTo: [...deliveredTo] });
  }
  return failures;
}

async function skipNonHead(
  job: Job<WebhookDeliverJob>,
  context: WebhookContext,
  head: string | undefined,
): Promise<DeliveryOutcome> {
  const { roomId, eventId } = job.data;

  if (head !== undefined && (await context.outbox.isPending(roomId, eventId))) {
    // An older event of the room is pending: its job posts it first and then enqueues this one.
    context.logger.warn('webhook event queued behind an older event of its room; delivering that one first', {
      roomId,
      eventId,
      olderEventId: head,
    });
    await enqueueWebhookDelivery(context.queue, roomId, head);
    return 'waiting';
  }

  context.logger.debug('webhook event already delivered or dropped', { roomId, eventId });
  return 'already-done';
}

async function advanceRoom(context: WebhookContext, roomId: string, eventId: string): Promise<void> {
  const { headEventId } = await context.outbox.advance(roomId, eventId);
  if (headEventId !== undefined) await enqueueWebhookDelivery(context.queue, roomId, headEventId);
}
