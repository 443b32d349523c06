import type { Redis } from 'ioredis';

import type { WebhookEvent, WebhookEventInput, WebhookEventType } from './webhook-events';

/**
 * Every Redis key of the webhook outbox, each built from the configured prefix.
 *
 *   {p}webhooks:log                        stream, one entry per event (fields id, type, room, sequence, participant, track, data);
 *                                          entry ids are the record time in ms; entries older than WEBHOOK_RETENTION_MS are trimmed on append
 *   {p}webhooks:event:<eventId>            string, the event's stream entry id; TTL WEBHOOK_RETENTION_MS, so a repeated id within it is dropped
 *   {p}webhooks:room:{<roomId>}:sequence   integer, the room's last sequence number; TTL WEBHOOK_RETENTION_MS from its last event
 *   {p}webhooks:room:{<roomId>}:pending    list of event ids not yet delivered, oldest first; no TTL, gone when empty
 *   {p}webhooks:rooms                      set of room ids whose pending list is not empty; no TTL, a member leaves with its last event
 *
 * NOTE: the record script touches the shared stream next to one room's
 * keys, so under Redis Cluster the outbox needs one slot for all of them.
 */
export class WebhookOutboxKeys {
  constructor(readonly prefix: string) {}

  get log(): string {
    return `${this.prefix}webhooks:log`;
  }

  event(eventId: string): string {
    return `${this.prefix}webhooks:event:${eventId}`;
  }

  roomSequence(roomId: string): string {
    return `${this.prefix}webhooks:room:{${roomId}}:sequence`;
  }

  roomPending(roomId: string): string {
    return `${this.prefix}webhooks:room:{${roomId}}:pending`;
  }

  get rooms(): string {
    return `${this.prefix}webhooks:rooms`;
  }
}

/** How long the outbox keeps an event for replay and for deduplication of its id: 7 days. */
export const WEBHOOK_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** Result of recording an event. */
export interface RecordedWebhookEvent {
  /** False when an event with this id was already recorded; the outbox kept the first one. */
  created: boolean;
  eventId: string;
  /** Stream entry id of the event, ordered by record time. */
  entryId: string;
  /** Oldest undelivered event of the room, the one a delivery job must exist for; undefined when none. */
  headEventId?: string;
}

/** Result of removing a room's oldest event after delivery. */
export interface AdvancedWebhookRoom {
  /** False when the event was not the room's oldest pending one, so nothing was removed. */
  removed: boolean;
  /** The room's oldest pending event after the removal; undefined when none is left. */
  headEventId?: string;
}

/** An event read back from the stream, with its entry id for paging. */
export interface StoredWebhookEvent {
  entryId: string;
  event: WebhookEvent;
}

// KEYS: log, event id key, room sequence, room pending, rooms.
// ARGV: event id, type, room id, participant id, track id, data JSON, retention ms.
// Returns {created (0|1), entry id, head event id or ''}.
const RECORD_LUA = `
local existing = redis.call('GET', KEYS[2])
if existing then
  return {0, existing, redis.call('LINDEX', KEYS[4], 0) or ''}
end

local time = redis.call('TIME')
local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local retention = tonumber(ARGV[7])

local sequence = redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], retention)

local entryId = redis.call('XADD', KEYS[1], 'MINID', '~', tostring(nowMs - retention), '*',
  'id', ARGV[1], 'type', ARGV[2], 'room', ARGV[3], 'sequence', sequence,
  'participant', ARGV[4], 'track', ARGV[5], 'data', ARGV[6])
redis.call('SET', KEYS[2], entryId, 'PX', retention)

redis.call('RPUSH', KEYS[4], ARGV[1])
redis.call('SADD', KEYS[5], ARGV[3])
return {1, entryId, redis.call('LINDEX', KEYS[4], 0)}
`;

// KEYS: room pending, rooms. ARGV: event id, room id.
// Returns {removed (0|1), head event id or ''}.
const ADVANCE_LUA = `
local head = redis.call('LINDEX', KEYS[1], 0)
if head ~= ARGV[1] then
  return {0, head or ''}
end

redis.call('LPOP', KEYS[1])
head = redis.call('LINDEX', KEYS[1], 0)
if not head then
  redis.call('SREM', KEYS[2], ARGV[2])
  return {1, ''}
end
return {1, head}
`;

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: string[]) => Promise<unknown>;

/**
 * The durable outbox of webhook events: a stream that keeps every event for
 * replay, and per room a list of events not yet delivered. Delivery reads a
 * room's oldest pending event and removes it only after every receiver
 * accepted it, so a crash at any point leaves the event pending.
 */
export class WebhookOutbox {
  readonly keys: WebhookOutboxKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = new WebhookOutboxKeys(prefix);
  }

  /**
   * Appends an event atomically, unless one with the same id was recorded
   * within the retention. The input must have passed normalizeWebhookEvent.
   */
  async record(input: WebhookEventInput & { id: string }): Promise<RecordedWebhookEvent> {
    const keys = this.keys;
    const reply = (await this.run('sfuWebhookRecord', RECORD_LUA, [
      keys.log,
      keys.event(input.id),
      keys.roomSequence(input.roomId),
      keys.roomPending(input.roomId),
      keys.rooms,
    ], [
      input.id,
      input.type,
      input.roomId,
      input.participantId ?? '',
      input.trackId ?? '',
      input.data === undefined ? '' : JSON.stringify(input.data),
      String(WEBHOOK_RETENTION_MS),
    ])) as [number, string, string];

    return { created: reply[0] === 1, eventId: input.id, entryId: reply[1], headEventId: reply[2] || undefined };
  }

  /** Removes eventId from its room's pending list if it is the oldest there. */
  async advance(roomId: string, eventId: string): Promise<AdvancedWebhookRoom> {
    const reply = (await this.run(
      'sfuWebhookAdvance',
      ADVANCE_LUA,
      [this.keys.roomPending(roomId), this.keys.rooms],
      [eventId, roomId],
    )) as [number, string];

    return { removed: reply[0] === 1, headEventId: reply[1] || undefined };
  }

  /** Returns the oldest pending event id of a room, or undefined when the room has none. */
  async head(roomId: string): Promise<string | undefined> {
    return (await this.redis.lindex(this.keys.roomPending(roomId), 0)) ?? undefined;
  }

  /** True while eventId waits in its room's pending list. */
  async isPending(roomId: string, eventId: string): Promise<boolean> {
    return (await this.redis.lpos(this.keys.roomPending(roomId), eventId)) !== null;
  }

  /** Reads one event by id, or undefined once the retention trimmed it. */
  async read(eventId: string): Promise<WebhookEvent | undefined> {
    const entryId = await this.redis.get(this.keys.event(eventId));
    if (entryId === null) return undefined;

    const entries = await this.redis.xrange(this.keys.log, entryId, entryId);
    const entry = entries[0];
    return entry === undefined ? undefined : parseEntry(entry[0], entry[1]);
  }

  /**
   * Reads up to count events in record order, starting at the time since
   * (ms) or right after the entry id after, and ending at the entry id until
   * when given.
   */
  async readRange(options: { since: number; after?: string; until?: string; count: number }): Promise<StoredWebhookEvent[]> {
    const start = options.after === undefined ? String(Math.max(0, Math.floor(options.since))) : `(${options.after}`;
    const entries = await this.redis.xrange(this.keys.log, start, options.until ?? '+', 'COUNT', options.count);
    return entries.map(([entryId, fields]) => ({ entryId, event: parseEntry(entryId, fields) }));
  }

  /** Entry id of the newest event in the stream, or undefined when it is empty. */
  async lastEntryId(): Promise<string | undefined> {
    const entries = await this.redis.xrevrange(this.keys.log, '+', '-', 'COUNT', 1);
    return entries[0]?.[0];
  }

  /** Ids of rooms with pending events, scanned in batches so a large set does not block Redis. */
  async pendingRooms(): Promise<string[]> {
    const rooms: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.sscan(this.keys.rooms, cursor, 'COUNT', 500);
      rooms.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return rooms;
  }

  private async run(name: string, lua: string, keys: string[], args: string[]): Promise<unknown> {
    // defineCommand sends EVALSHA and resends the body on NOSCRIPT, so a
    // Redis restart that flushed the script cache costs one extra round trip.
    const commands = this.redis as unknown as Record<string, ScriptCommand | undefined>;
    if (commands[name] === undefined) this.redis.defineCommand(name, { lua });

    const command = commands[name] as ScriptCommand;
    return command.call(this.redis, keys.length, ...keys, ...args);
  }
}

function parseEntry(entryId: string, fields: string[]): WebhookEvent {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i] as string, fields[i + 1] as string);

  const event: WebhookEvent = {
    id: values.get('id') ?? '',
    type: values.get('type') as WebhookEventType,
    roomId: values.get('room') ?? '',
    sequence: Number(values.get('sequence')),
    timestamp: Number(entryId.split('-')[0]),
  };
  const participantId = values.get('participant');
  if (participantId) event.participantId = participantId;
  const trackId = values.get('track');
  if (trackId) event.trackId = trackId;
  const data = values.get('data');
  if (data) event.data = JSON.parse(data) as Record<string, unknown>;
  return event;
}
