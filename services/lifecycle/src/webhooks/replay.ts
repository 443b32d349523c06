import { UnrecoverableError, type Job } from 'bullmq';

import { redactUrl } from '@sfu-cluster/config';
import type { WebhookReplayJob } from '@sfu-cluster/jobs';

import { webhookBackoffMs, type WebhookContext } from './context';
import { postWebhook } from './sender';
import { WebhookDeliveryError } from './delivery';

/** Events read from the stream per round trip. */
const REPLAY_PAGE_SIZE = 100;

export interface ReplayProgress {
  /** Entry id of the last event every receiver accepted. */
  after?: string;
  /** Entry id the replay ends at. */
  until?: string;
}

export interface ReplayResult {
  posted: number;
  /** Entry id of the last event posted, for a caller that resumes. */
  after?: string;
}

/**
 * Posts again, in record order, every event recorded at or after since
 * (ms since the Unix epoch) and no later than the newest event at the start,
 * to urls or to every configured receiver. Events keep their ids, so
 * receivers drop the ones they already have. onProgress gets the position
 * after each page and before a failure is thrown, so a retry resumes there.
 * Throws WebhookDeliveryError at the first event a receiver does not accept.
 */
export async function replayWebhookEvents(
  context: WebhookContext,
  request: WebhookReplayJob,
  onProgress: (progress: ReplayProgress) => Promise<void> = async () => undefined,
): Promise<ReplayResult> {
  const urls = request.urls ?? context.config.urls;
  const unknown = urls.filter((url) => !context.config.urls.includes(url));
  if (unknown.length > 0) {
    throw new TypeError(
      `replay to ${unknown.map(redactUrl).join(', ')} rejected: only receivers listed in WEBHOOK_URLS get events`,
    );
  }

  const until = request.until ?? (await context.outbox.lastEntryId());
  if (until === undefined || urls.length === 0) return { posted: 0, after: request.after };
  if (request.until === undefined) await onProgress({ after: request.after, until });

  let after = request.after;
  let posted = 0;
  for (;;) {
    const page = await context.outbox.readRange({ since: request.since, after, until, count: REPLAY_PAGE_SIZE });

    for (const { entryId, event } of page) {
      for (const url of urls) {
        const result = await postWebhook(url, event, context.config);
        if (!result.ok) {
          await onProgress({ after, until });
          throw new WebhookDeliveryError(
            `replay stopped at webhook event ${event.id} of room ${event.roomId}: ${redactUrl(url)}: ${result.reason}`,
          );
        }
      }
      after = entryId;
      posted += 1;
    }

    if (page.length < REPLAY_PAGE_SIZE) return { posted, after };
    await onProgress({ after, until });
  }
}

/** Runs one webhook-replay job, keeping its position in the job so that a retry or another process resumes there. */
export async function runReplayJob(job: Job<WebhookReplayJob>, context: WebhookContext): Promise<ReplayResult | 'gave-up'> {
  const attempt = job.attemptsMade + 1;
  const logger = context.logger.child({ jobId: job.id, since: job.data.since, attempt });
  if (attempt === 1) logger.info('webhook replay started', { since: new Date(job.data.since).toISOString() });

  const saveProgress = async (progress: ReplayProgress) => {
    await job.updateData({ ...job.data, ...progress });
  };

  try {
    const result = await replayWebhookEvents(context, job.data, saveProgress);
    logger.info('webhook replay finished', { posted: result.posted });
    return result;
  } catch (error) {
    if (error instanceof TypeError) {
      logger.error('webhook replay rejected', { error: error.message });
      // A bad request fails the same way on every attempt, so BullMQ must not retry it.
      throw new UnrecoverableError(error.message);
    }
    if (!(error instanceof WebhookDeliveryError)) throw error;

    if (attempt >= context.config.maxAttempts) {
      logger.error('webhook replay gave up after the last attempt', {
        error: error.message,
        fix: `make the receiver respond with 2xx, then enqueue a webhook-replay job with since=${job.data.since} again`,
      });
      return 'gave-up';
    }

    logger.warn('webhook replay failed; retrying', {
      error: error.message,
      retryInMs: webhookBackoffMs(attempt, context.config.backoffMs),
    });
    throw error;
  }
}
