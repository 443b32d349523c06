import { z } from 'zod';

/**
 * Methods SFU nodes call on each other to pipe a room's producers. The
 * node that needs a producer (downstream) calls the node that has it
 * (origin); the origin reports close, pause and resume back downstream.
 */
export const pipeMethods = {
  /** Downstream to origin: open or reuse the origin's pipe transport for (room, downstream) and connect it. */
  connect: 'pipe.connect',
  /** Downstream to origin: consume a producer on that pipe transport. */
  consume: 'pipe.consume',
  /** Downstream to origin: downstream no longer needs the producer. */
  release: 'pipe.release',
  /** Downstream to origin: downstream closed its end of the pipe. */
  disconnect: 'pipe.disconnect',
  /** Origin to downstream: the producer closed, paused or resumed. */
  producerEvent: 'pipe.producerEvent',
  /** Lifecycle to a surviving node: the other end of a room's pipe is lost; close this end. */
  remoteLost: 'pipe.remoteLost',
} as const;

const id = z.string().min(1).max(128);

export const pipeSchemas = {
  connect: z.object({
    roomId: id,
    nodeId: id,
    ip: z.string().min(1).max(64),
    port: z.number().int().min(1).max(65535),
    /** Lets the origin open its end on the producer's worker and spare a local pipe. */
    producerId: id.optional(),
  }),
  consume: z.object({ roomId: id, nodeId: id, producerId: id }),
  release: z.object({ roomId: id, nodeId: id, producerId: id }),
  disconnect: z.object({ roomId: id, nodeId: id }),
  producerEvent: z.object({ roomId: id, producerId: id, event: z.enum(['close', 'pause', 'resume']) }),
  remoteLost: z.object({ roomId: id, nodeId: id }),
};

export interface PipeConnectResult {
  ip: string;
  port: number;
}

export interface PipeConsumeResult {
  kind: 'audio' | 'video';
  rtpParameters: unknown;
  paused: boolean;
  peerId: string;
  appData: Record<string, unknown>;
}
