import { Queue } from 'bullmq';

import {
  WebhookOutbox,
  enqueueWebhookDelivery,
  enqueueWebhookReplay,
  openWebhookQueue,
  recordWebhookEvent,
  type WebhookEventInput,
} from '@sfu-cluster/jobs';
import { sleep, waitFor, type ManagedProcess } from '@sfu-cluster/testkit';

import {
  orderViolations,
  startLifecycle,
  startTestRedis,
  WebhookReceiver,
  type ReceiverOptions,
  type TestRedis,
} from './harness';

/** Two rooms, each with a start, a join, a publish, an unpublish, a leave and a finish. */
function roomStory(roomId: string): WebhookEventInput[] {
  return [
    { type: 'room_started', roomId },
    { type: 'participant_joined', roomId, participantId: `${roomId}-alice` },
    { type: 'track_published', roomId, participantId: `${roomId}-alice`, trackId: `${roomId}-mic`, data: { kind: 'audio' } },
    { type: 'track_unpublished', roomId, participantId: `${roomId}-alice`, trackId: `${roomId}-mic` },
    { type: 'participant_left', roomId, participantId: `${roomId}-alice` },
    { type: 'room_finished', roomId },
  ];
}

let redis: TestRedis;
const started: ManagedProcess[] = [];
const receivers: WebhookReceiver[] = [];
const openQueues: Queue[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((child) => child.stop()));
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  await Promise.all(openQueues.splice(0).map((queue) => queue.close()));
});

afterAll(async () => {
  await redis.stop();
});

async function receiver(options: ReceiverOptions = {}): Promise<WebhookReceiver> {
  const hooks = await WebhookReceiver.start(options);
  receivers.push(hooks);
  return hooks;
}

async function lifecycle(prefix: string, url: string, name = 'lifecycle', env: NodeJS.ProcessEnv = {}): Promise<ManagedProcess> {
  const child = await startLifecycle(redis.server, prefix, url, name, env);
  started.push(child);
  return child;
}

/** Records the events one after another, as one process reporting them would; returns their ids. */
async function record(prefix: string, events: WebhookEventInput[]): Promise<string[]> {
  const ids: string[] = [];
  for (const event of events) ids.push((await recordWebhookEvent(redis.redis, prefix, event)).eventId);
  return ids;
}

/** Records both rooms' events interleaved, so that each room's order depends on the outbox, not on timing. */
async function recordTwoRooms(prefix: string): Promise<string[]> {
  const [a, b] = [roomStory('room-a'), roomStory('room-b')];
  const interleaved = a.flatMap((event, index) => [event, b[index] as WebhookEventInput]);
  return record(prefix, interleaved);
}

function expectEachOnceInOrder(hooks: WebhookReceiver, ids: string[]): void {
  const accepted = hooks.acceptedOnce();
  expect(accepted.map((call) => call.eventId).sort()).toEqual([...ids].sort());

  for (const roomId of ['room-a', 'room-b']) {
    const sequences = accepted.filter((call) => call.event.roomId === roomId).map((call) => call.event.sequence);
    expect(sequences).toEqual([1, 2, 3, 4, 5, 6]);
  }
  expect(orderViolations(hooks.calls)).toEqual([]);
  expect(hooks.calls.filter((call) => !call.signatureValid)).toEqual([]);
}

test('failing receiver gets every event once, signed and in order', async () => {
  const prefix = redis.freshPrefix();
  const hooks = await receiver({ failFirst: 3 });
  await lifecycle(prefix, hooks.url);

  const ids = await recordTwoRooms(prefix);
  await waitFor('every event to be accepted', () => hooks.hasAccepted(ids), 30_000);

  expectEachOnceInOrder(hooks, ids);
  expect(hooks.calls.filter((call) => call.status === 500)).toHaveLength(3);

  const published = hooks
    .acceptedOnce()
    .find((call) => call.event.type === 'track_published' && call.event.roomId === 'room-a');
  expect(published?.event).toMatchObject({ participantId: 'room-a-alice', trackId: 'room-a-mic', data: { kind: 'audio' } });
  expect(typeof published?.event.timestamp).toBe('number');
});

test('kill -9 of lifecycle mid-retry loses no event', async () => {
  const prefix = redis.freshPrefix();
  // Three failures put jobs into backoff; the fourth call stays unanswered, so its job is active when the process dies.
  const hooks = await receiver({ failFirst: 3, holdCall: 4 });
  const first = await lifecycle(prefix, hooks.url, 'lifecycle-1');

  const ids = await recordTwoRooms(prefix);
  await waitFor('the fourth call to be held', () => hooks.holding, 20_000);

  const heldEventId = hooks.calls[3]?.eventId;
  first.kill('SIGKILL');
  await first.waitForExit(5_000);
  hooks.dropHeld();
  const callsBeforeRestart = hooks.calls.length;

  await lifecycle(prefix, hooks.url, 'lifecycle-2');
  // The killed job's lock lasts 10 s and the stalled check runs every 5 s, so allow for both twice.
  await waitFor('every event to be accepted after the restart', () => hooks.hasAccepted(ids), 45_000);

  const afterRestart = hooks.calls.slice(callsBeforeRestart);
  expect(afterRestart.some((call) => call.eventId === heldEventId && call.status === 200)).toBe(true);
  expectEachOnceInOrder(hooks, ids);
}, 90_000);

test('same event id recorded twice is posted once', async () => {
  const prefix = redis.freshPrefix();
  const hooks = await receiver();
  await lifecycle(prefix, hooks.url);
  const queue = openWebhookQueue(redis.redis, prefix);
  openQueues.push(queue);

  const event: WebhookEventInput = { id: 'join-alice-1', type: 'participant_joined', roomId: 'room-d', participantId: 'alice' };
  const first = await recordWebhookEvent(redis.redis, prefix, event);
  const second = await recordWebhookEvent(redis.redis, prefix, { ...event, participantId: 'someone-else' });
  await enqueueWebhookDelivery(queue, 'room-d', 'join-alice-1');
  await enqueueWebhookDelivery(queue, 'room-d', 'join-alice-1');
  const [later] = await record(prefix, [{ type: 'participant_left', roomId: 'room-d', participantId: 'alice' }]);

  // The later event of the room is posted only after the first, so once it arrives the first is done.
  await waitFor('the later event to be accepted', () => hooks.hasAccepted([later as string]), 15_000);
  await sleep(500);

  expect(first.created).toBe(true);
  expect(second.created).toBe(false);
  expect(second.entryId).toBe(first.entryId);
  const posts = hooks.calls.filter((call) => call.eventId === 'join-alice-1');
  expect(posts).toHaveLength(1);
  expect(posts[0]?.event.participantId).toBe('alice');
});

test('replay re-posts events since a time', async () => {
  const prefix = redis.freshPrefix();
  const hooks = await receiver();
  await lifecycle(prefix, hooks.url);
  const queue = openWebhookQueue(redis.redis, prefix);
  openQueues.push(queue);

  const [before, after] = [roomStory('room-e'), roomStory('room-f')];
  const beforeIds = await record(prefix, before);
  await sleep(20);
  const afterIds = await record(prefix, after);
  await waitFor('every event to be accepted', () => hooks.hasAccepted([...beforeIds, ...afterIds]), 15_000);

  const since = hooks.acceptedOnce().find((call) => call.eventId === afterIds[0])?.event.timestamp as number;
  const lastBefore = hooks.acceptedOnce().find((call) => call.eventId === beforeIds.at(-1))?.event.timestamp as number;
  expect(lastBefore).toBeLessThan(since);
  const callsBeforeReplay = hooks.calls.length;

  await enqueueWebhookReplay(queue, since);
  await waitFor('the replay to post the later events', () => hooks.calls.length >= callsBeforeReplay + afterIds.length, 15_000);
  await sleep(500);

  const replayed = hooks.calls.slice(callsBeforeReplay);
  expect(replayed.map((call) => call.eventId)).toEqual(afterIds);
  expect(replayed.map((call) => call.event.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(replayed.every((call) => call.signatureValid)).toBe(true);
});

test('event recorded without a job is delivered by the sweep', async () => {
  const prefix = redis.freshPrefix();
  const hooks = await receiver();

  // As if the recording process died between the append and the enqueue.
  const outbox = new WebhookOutbox(redis.redis, prefix);
  await outbox.record({ id: 'orphan-1', type: 'room_started', roomId: 'room-g' });
  await lifecycle(prefix, hooks.url);

  await waitFor('the orphaned event to be accepted', () => hooks.hasAccepted(['orphan-1']), 15_000);
  // The worker clears the outbox after the receiver's 2xx arrives, so the set empties a moment later.
  await waitFor('the outbox room set to empty', async () => (await redis.redis.smembers(outbox.keys.rooms)).length === 0, 5000).catch(() => undefined);
  expect(await redis.redis.smembers(outbox.keys.rooms)).toEqual([]);
});

test('event failing every attempt is dropped and the room goes on', async () => {
  const prefix = redis.freshPrefix();
  const hooks = await receiver({ failFirst: 3 });
  const child = await lifecycle(prefix, hooks.url, 'lifecycle', { WEBHOOK_MAX_ATTEMPTS: '2' });

  const [dropped, delivered] = await record(prefix, [
    { type: 'room_started', roomId: 'room-h' },
    { type: 'room_finished', roomId: 'room-h' },
  ]);
  await waitFor('the second event to be accepted', () => hooks.hasAccepted([delivered as string]), 15_000);

  expect(hooks.calls.map((call) => [call.eventId, call.status])).toEqual([
    [dropped, 500],
    [dropped, 500],
    [delivered, 500],
    [delivered, 200],
  ]);
  const log = await child.waitForLine(/dropped webhook event after the last attempt/, 1_000);
  expect(log).toContain(`"eventId":"${dropped}"`);
  expect(log).toContain('webhook-replay job with since=');
});
