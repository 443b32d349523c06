export { queues, bullPrefix, type QueueName } from './queues';
export {
  webhookEventTypes,
  normalizeWebhookEvent,
  type WebhookEventType,
  type WebhookEventInput,
  type WebhookEvent,
} from './webhook-events';
export {
  WebhookOutbox,
  WebhookOutboxKeys,
  WEBHOOK_RETENTION_MS,
  type RecordedWebhookEvent,
  type AdvancedWebhookRoom,
  type StoredWebhookEvent,
} from './webhook-outbox';
export {
  webhookJobs,
  recordWebhookEvent,
  openWebhookQueue,
  enqueueWebhookDelivery,
  enqueueWebhookReplay,
  webhookDeliverJobId,
  WEBHOOK_ATTEMPTS_CEILING,
  WEBHOOK_BACKOFF_TYPE,
  type WebhookDeliverJob,
  type WebhookReplayJob,
} from './webhook-jobs';
export {
  roomJobs,
  roomJobIds,
  openRoomQueue,
  scheduleEmptyRoomClose,
  cancelEmptyRoomClose,
  scheduleRoomEnd,
  cancelRoomEnd,
  enqueueNodeRecovery,
  scheduleReconciliation,
  type CloseEmptyRoomJob,
  type EndRoomJob,
  type RecoverNodeJob,
} from './room-jobs';
