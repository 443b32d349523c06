import { recordWebhookEvent, type WebhookEventInput } from '@sfu-cluster/jobs';
import type { Logger } from '@sfu-cluster/logger';
import type { Redis } from '@sfu-cluster/registry';

/**
 * Records webhook events in the outbox without holding up the client: a
 * failure to record is logged with what was lost, and the request that
 * caused it still succeeds.
 */
export class WebhookReporter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  report(input: WebhookEventInput): void {
    recordWebhookEvent(this.redis, this.prefix, input).catch((error: Error) => {
      this.logger.warn('could not record a webhook event; receivers will miss it', {
        type: input.type,
        roomId: input.roomId,
        peerId: input.participantId,
        error: error.message,
      });
    });
  }
}
