import express, { Router } from 'express';
import { z } from 'zod';

import { ErrorCode, type CancelDrainResponse, type DrainResponse, type MoveResponse } from '@sfu-cluster/protocol';
import { StaleEpochError, type Redis, type Registry } from '@sfu-cluster/registry';
import { channels, RpcError, type RpcClient } from '@sfu-cluster/rpc';

/** How long an action waits for the node it acts on. */
const NODE_TIMEOUT_MS = 5000;

const drainBody = z.object({
  migrate: z.boolean().default(false),
  deadlineSeconds: z.number().int().min(0).max(7 * 24 * 3600).optional(),
});

const moveBody = z.object({ toNodeId: z.string().min(1).max(128) });

/**
 * Admin actions that steer where rooms live: drain a node (optionally
 * migrating its peers away at once), cancel a drain, move a room to a node.
 * Peers move make-before-break: each client builds its media on the new
 * node before the old closes.
 */
export function adminActionsRouter(registry: Registry, rpc: RpcClient, publisher: Redis, prefix: string): Router {
  const router = Router();
  router.use(express.json({ limit: '4kb' }));

  const publishMove = async (roomId: string, fromNodeId: string | undefined, reason: string): Promise<void> => {
    const event = { type: 'roomMove', roomId, fromNodeId, reason, nodeId: 'signaling', at: Date.now() };
    await publisher.publish(channels.nodeEvents(prefix), JSON.stringify(event));
  };

  router.post('/api/v1/admin/nodes/:nodeId/drain', async (req, res) => {
    const body = drainBody.safeParse(req.body ?? {});
    if (!body.success) return invalid(res, body.error.issues[0]?.message);
    const nodeId = req.params.nodeId;

    const result = await callNode<{ state: string; rooms: number; peers: number }>(rpc, nodeId, 'node.drain', { deadlineSeconds: body.data.deadlineSeconds });
    if ('error' in result) return res.status(result.status).json({ error: result.error });

    if (body.data.migrate) {
      for (const roomId of await roomsOn(registry, nodeId)) await publishMove(roomId, nodeId, 'node draining');
    }
    const drained: DrainResponse = { nodeId, migrate: body.data.migrate, ...result.value };
    res.status(202).json(drained);
  });

  router.delete('/api/v1/admin/nodes/:nodeId/drain', async (req, res) => {
    const nodeId = req.params.nodeId;
    const result = await callNode<{ state: string }>(rpc, nodeId, 'node.undrain', {});
    if ('error' in result) return res.status(result.status).json({ error: result.error });
    const undrained: CancelDrainResponse = { nodeId, ...result.value };
    res.json(undrained);
  });

  router.post('/api/v1/admin/rooms/:roomId/move', async (req, res) => {
    const body = moveBody.safeParse(req.body ?? {});
    if (!body.success) return invalid(res, body.error.issues[0]?.message);
    const { roomId } = req.params;
    const { toNodeId } = body.data;

    const room = await registry.rooms.get(roomId);
    if (!room) return res.status(404).json({ error: { code: ErrorCode.RoomNotFound, message: `room ${roomId} not found` } });
    const target = await registry.nodes.get(toNodeId);
    if (!target || target.state !== 'active') {
      return res.status(409).json({ error: { code: ErrorCode.NodeDraining, message: `node ${toNodeId} is not an active node; pick one from GET /api/v1/admin/nodes` } });
    }

    // Compare-and-set on the epoch: a move racing another fails instead of splitting the room.
    let epoch: number;
    try {
      epoch = await registry.placement.moveRoom(roomId, room.epoch, { nodeId: toNodeId, workerIndex: 0 }, `moved by an operator to ${toNodeId}`);
    } catch (error) {
      if (!(error instanceof StaleEpochError)) throw error;
      return res.status(409).json({ error: { code: ErrorCode.StaleEpoch, message: `room ${roomId} moved meanwhile; look at it again and retry` } });
    }
    await publishMove(roomId, undefined, `room moved to ${toNodeId}`);
    const moved: MoveResponse = { roomId, toNodeId, epoch, peers: await registry.participants.count(roomId) };
    res.status(202).json(moved);
  });

  return router;
}

async function roomsOn(registry: Registry, nodeId: string): Promise<string[]> {
  const rooms: string[] = [];
  for (const roomId of await registry.participants.roomIds()) {
    const room = await registry.rooms.get(roomId);
    if (room?.nodeIds.includes(nodeId)) rooms.push(roomId);
  }
  return rooms;
}

type NodeCall<T> = { value: T } | { status: number; error: { code: string; message: string } };

async function callNode<T>(rpc: RpcClient, nodeId: string, method: string, params: Record<string, unknown>): Promise<NodeCall<T>> {
  try {
    return { value: await rpc.call<T>(nodeId, method, params, NODE_TIMEOUT_MS) };
  } catch (error) {
    if (error instanceof RpcError && (error.code === 'NODE_UNREACHABLE' || error.code === 'RPC_TIMEOUT')) {
      return { status: 404, error: { code: 'NODE_NOT_FOUND', message: `node ${nodeId} did not respond: ${error.message}` } };
    }
    return { status: 500, error: { code: ErrorCode.Internal, message: (error as Error).message } };
  }
}

function invalid(res: express.Response, message: string | undefined): void {
  res.status(400).json({ error: { code: ErrorCode.InvalidPayload, message: `invalid body: ${message ?? 'malformed'}` } });
}
