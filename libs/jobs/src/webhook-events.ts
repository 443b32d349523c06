import { randomUUID } from 'node:crypto';

/** Every event type a webhook receiver can get. */
export const webhookEventTypes = [
  'room_started',
  'room_finished',
  'participant_joined',
  'participant_left',
  'track_published',
  'track_unpublished',
] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

/** An event as a process reports it. The outbox adds the sequence number and the timestamp. */
export interface WebhookEventInput {
  type: WebhookEventType;
  roomId: string;
  /**
   * Id the receiver deduplicates on; a random UUID when omitted. A caller
   * that retries a report passes the same id, and the outbox keeps one event.
   */
  id?: string;
  /** Required by participant_* and track_* events. */
  participantId?: string;
  /** Required by track_* events. */
  trackId?: string;
  /** Extra fields passed to the receiver unchanged; must survive JSON.stringify. */
  data?: Record<string, unknown>;
}

/** An event as stored in the outbox and posted as the JSON body of a webhook. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  roomId: string;
  /** 1 for a room's first event, one more for each later event of that room. */
  sequence: number;
  /** Milliseconds since the Unix epoch, from the Redis server clock when the event was recorded. */
  timestamp: number;
  participantId?: string;
  trackId?: string;
  data?: Record<string, unknown>;
}

const EVENT_ID_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * Checks an input and fills in its id. Throws TypeError naming the field,
 * because a bad event is a bug in the caller and must not reach the outbox.
 */
export function normalizeWebhookEvent(input: WebhookEventInput): WebhookEventInput & { id: string } {
  if (!(webhookEventTypes as readonly string[]).includes(input.type)) {
    throw new TypeError(`invalid webhook event type "${input.type}": use one of ${webhookEventTypes.join(', ')}`);
  }

  // The room id goes into key names inside a {roomId} hash tag, as in the registry.
  if (typeof input.roomId !== 'string' || input.roomId.length === 0 || /[{}#\s]/.test(input.roomId)) {
    throw new TypeError(`invalid webhook event roomId "${String(input.roomId)}": use a non-empty id without braces, '#' or whitespace`);
  }

  // The event id goes into BullMQ job ids, which must not contain a colon.
  const id = input.id ?? randomUUID();
  if (typeof id !== 'string' || !EVENT_ID_PATTERN.test(id)) {
    throw new TypeError(`invalid webhook event id "${String(id)}": use 1 to 128 letters, digits, '_', '.' or '-'`);
  }

  const needsParticipant = input.type.startsWith('participant_') || input.type.startsWith('track_');
  if (needsParticipant) assertPresent(input.type, 'participantId', input.participantId);
  if (input.type.startsWith('track_')) assertPresent(input.type, 'trackId', input.trackId);

  return { ...input, id };
}

function assertPresent(type: string, field: string, value: string | undefined): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`webhook event ${type} is missing ${field}: pass the id of the ${field.replace(/Id$/, '')} it is about`);
  }
}
