import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';

import { bullPrefix, queues } from './queues';

/** Job names on the rooms queue. */
export const roomJobs = {
  /** Closes a room that stayed empty past ROOM_EMPTY_TIMEOUT; a join before then removes the job. */
  closeEmpty: 'close-empty-room',
  /** Ends a room at ROOM_MAX_DURATION, with notice to its peers. */
  end: 'end-room',
  /** Places again the peers of an SFU node whose record expired, and removes the node's keys. */
  recoverNode: 'recover-node',
  /** Removes registry entries that no live node reports. */
  reconcile: 'reconcile',
} as const;

export interface CloseEmptyRoomJob {
  roomId: string;
}

export interface EndRoomJob {
  roomId: string;
  reason: string;
}

export interface RecoverNodeJob {
  nodeId: string;
  /** Milliseconds since the epoch when the observer saw the record gone. */
  detectedAt: number;
}

/**
 * Every room job has an id derived from what it acts on, so enqueuing the
 * same job again while one waits or runs makes no second job. Finished
 * jobs are removed: the id is then free for the next time it is needed.
 */
const roomJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: true,
  removeOnFail: { age: 24 * 3600 },
};

export const roomJobIds = {
  closeEmpty: (roomId: string): string => `${roomJobs.closeEmpty}-${roomId}`,
  end: (roomId: string): string => `${roomJobs.end}-${roomId}`,
  recoverNode: (nodeId: string): string => `${roomJobs.recoverNode}-${nodeId}`,
};

/** Opens the rooms queue on a connection the caller owns; close() leaves the connection open. */
export function openRoomQueue(redis: Redis, redisPrefix: string): Queue {
  return new Queue(queues.rooms, { connection: redis, prefix: bullPrefix(redisPrefix) });
}

/** Schedules the close of an empty room after delayMs; a no-op while one is scheduled. */
export async function scheduleEmptyRoomClose(queue: Queue, roomId: string, delayMs: number): Promise<void> {
  const data: CloseEmptyRoomJob = { roomId };
  await queue.add(roomJobs.closeEmpty, data, { ...roomJobOptions, jobId: roomJobIds.closeEmpty(roomId), delay: delayMs });
}

/** Cancels a scheduled empty-room close, because a peer joined. Returns whether one was removed. */
export async function cancelEmptyRoomClose(queue: Queue, roomId: string): Promise<boolean> {
  return (await queue.remove(roomJobIds.closeEmpty(roomId))) === 1;
}

/** Schedules the end of a room at its maximum duration; a no-op while one is scheduled. */
export async function scheduleRoomEnd(queue: Queue, roomId: string, delayMs: number, reason: string): Promise<void> {
  const data: EndRoomJob = { roomId, reason };
  await queue.add(roomJobs.end, data, { ...roomJobOptions, jobId: roomJobIds.end(roomId), delay: delayMs });
}

export async function cancelRoomEnd(queue: Queue, roomId: string): Promise<void> {
  await queue.remove(roomJobIds.end(roomId));
}

/**
 * A finished recovery keeps its job id this long, so duplicates enqueued
 * just after it ran (several lifecycle processes seeing the same expiry)
 * make no second run.
 * NOTE: a node that comes back and is lost again within this window is
 * recovered only once the window has passed.
 */
const RECOVERY_ID_KEPT_SECONDS = 10;

/** Enqueues recovery of a lost node; enqueuing it again while one waits, runs or just ran makes no second job. */
export async function enqueueNodeRecovery(queue: Queue, nodeId: string, detectedAt = Date.now()): Promise<void> {
  const data: RecoverNodeJob = { nodeId, detectedAt };
  await queue.add(roomJobs.recoverNode, data, {
    ...roomJobOptions,
    jobId: roomJobIds.recoverNode(nodeId),
    removeOnComplete: { age: RECOVERY_ID_KEPT_SECONDS },
  });
}

/** Repeats reconciliation every intervalMs, one schedule however many lifecycle processes call this. */
export async function scheduleReconciliation(queue: Queue, intervalMs: number): Promise<void> {
  await queue.upsertJobScheduler(`${roomJobs.reconcile}-schedule`, { every: intervalMs }, { name: roomJobs.reconcile, opts: { removeOnComplete: true, removeOnFail: true } });
}
