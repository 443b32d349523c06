import { Worker, type Job, type Queue } from 'bullmq';
import { Counter, type Registry } from 'prom-client';

import { bullPrefix, queues, roomJobIds, roomJobs, type CloseEmptyRoomJob, type EndRoomJob, type RecoverNodeJob } from '@sfu-cluster/jobs';
import type { Redis } from '@sfu-cluster/registry';

import { closeRoom } from './close-room';
import { reconcile } from './reconcile';
import { recoverNode } from './recover-node';
import type { RoomJobContext } from './room-context';

/** Runs the rooms queue's jobs: empty-room close, room end, lost-node recovery and reconciliation. */
export function startRoomWorker(context: RoomJobContext, connection: Redis, queue: Queue, metrics: Registry): Worker {
  const worker = new Worker(queues.rooms, (job: Job) => run(context, queue, job), {
    connection,
    prefix: bullPrefix(context.prefix),
    concurrency: 4,
  });

  const jobs = new Counter({
    name: 'lifecycle_room_jobs_total',
    help: 'room jobs run, by job name and outcome (completed or failed)',
    labelNames: ['job', 'outcome'],
    registers: [metrics],
  });
  worker.on('completed', (job) => jobs.inc({ job: job.name, outcome: 'completed' }));
  worker.on('failed', (job) => jobs.inc({ job: job?.name ?? 'unknown', outcome: 'failed' }));

  worker.on('failed', (job, error) => {
    context.logger.error('room job failed; BullMQ retries it with backoff', { jobId: job?.id, job: job?.name, attempts: job?.attemptsMade, error: error.message });
  });
  worker.on('error', (error) => context.logger.warn('rooms queue worker error', { error: error.message }));
  return worker;
}

async function run(context: RoomJobContext, queue: Queue, job: Job): Promise<unknown> {
  switch (job.name) {
    case roomJobs.closeEmpty: {
      const { roomId } = job.data as CloseEmptyRoomJob;
      // A join between scheduling and now keeps the room open.
      if ((await context.registry.participants.count(roomId)) > 0) return { closed: false, reason: 'a peer joined' };
      await closeRoom(context, roomId, 'empty past ROOM_EMPTY_TIMEOUT');
      return { closed: true };
    }
    case roomJobs.end: {
      const { roomId, reason } = job.data as EndRoomJob;
      await closeRoom(context, roomId, reason);
      return { closed: true };
    }
    case roomJobs.recoverNode: {
      const { nodeId } = job.data as RecoverNodeJob;
      return recoverNode(context, nodeId);
    }
    case roomJobs.reconcile: {
      const pending = async (roomId: string): Promise<boolean> => {
        const job = await queue.getJob(roomJobIds.closeEmpty(roomId));
        return job !== undefined && ['delayed', 'waiting', 'active'].includes(await job.getState());
      };
      return reconcile(context, pending);
    }
    default:
      throw new Error(`no handler for room job ${job.name}; is this lifecycle process older than the one that enqueued it?`);
  }
}
