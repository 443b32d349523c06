import { Router } from 'express';

import { ErrorCode } from '@sfu-cluster/protocol';
import type { Redis, Registry } from '@sfu-cluster/registry';
import type { RpcClient } from '@sfu-cluster/rpc';

import type { TokenVerifier } from '../auth';
import { adminActionsRouter } from './admin-actions';
import { requireToken } from './require-token';

interface NodeDescription {
  nodeId: string;
  rooms: {
    roomId: string;
    routers: { workerIndex: number; routerId: string }[];
    peers: { peerId: string; workerIndex: number; producers: unknown[]; consumers: number; transports: number }[];
    pipedProducers: { producerId: string; originNodeId: string; peerId: string }[];
  }[];
  pipes: { roomId: string; remoteNodeId: string; producers: number; transportId: string }[];
}

/** How long the room view waits for each node to describe itself. */
const DESCRIBE_TIMEOUT_MS = 2000;

/**
 * Admin routes (token with the admin grant): the nodes, the rooms, and one
 * room's placement: which peers and producers are on which node and worker,
 * and the pipes between nodes. Field names are documented in the README.
 */
export function adminRouter(registry: Registry, rpc: RpcClient, verifier: TokenVerifier, publisher: Redis, prefix: string): Router {
  const router = Router();
  router.use('/api/v1/admin', requireToken(verifier, 'admin'));
  router.use(adminActionsRouter(registry, rpc, publisher, prefix));

  router.get('/api/v1/admin/nodes', async (_req, res) => {
    const [nodes, lost] = await Promise.all([registry.nodes.list(), registry.nodes.expiredNodeIds()]);
    res.json({ nodes, lost });
  });

  router.get('/api/v1/admin/rooms', async (_req, res) => {
    const roomIds = await registry.participants.roomIds();
    const rooms = await Promise.all(roomIds.map((roomId) => roomSummary(registry, roomId)));
    res.json({ rooms });
  });

  router.get('/api/v1/admin/rooms/:roomId', async (req, res) => {
    const roomId = req.params.roomId;
    const room = await registry.rooms.get(roomId);
    if (!room) {
      res.status(404).json({ error: { code: ErrorCode.RoomNotFound, message: `room ${roomId} not found` } });
      return;
    }
    res.json(await roomPlacement(registry, rpc, roomId, room));
  });

  return router;
}

async function roomSummary(registry: Registry, roomId: string): Promise<Record<string, unknown>> {
  const [room, participants, producers] = await Promise.all([
    registry.rooms.get(roomId),
    registry.participants.count(roomId),
    registry.participants.producers(roomId),
  ]);
  return {
    roomId,
    state: room?.state ?? 'unplaced',
    epoch: room?.epoch ?? 0,
    createdAt: room?.createdAt ?? null,
    nodeIds: room?.nodeIds ?? [],
    participants,
    producers: producers.length,
  };
}

async function roomPlacement(
  registry: Registry,
  rpc: RpcClient,
  roomId: string,
  room: NonNullable<Awaited<ReturnType<Registry['rooms']['get']>>>,
): Promise<Record<string, unknown>> {
  const [participants, producers, decisions] = await Promise.all([
    registry.participants.list(roomId),
    registry.participants.producers(roomId),
    registry.placement.decisions(roomId),
  ]);
  const identities = new Map(participants.map((participant) => [participant.peerId, participant.identity]));

  const nodes = await Promise.all(
    room.nodeIds.map(async (nodeId) => {
      try {
        const description = await rpc.call<NodeDescription>(nodeId, 'node.describe', {}, DESCRIBE_TIMEOUT_MS);
        const share = description.rooms.find((entry) => entry.roomId === roomId);
        return {
          nodeId,
          reachable: true,
          routers: share?.routers ?? [],
          peers: (share?.peers ?? []).map((peer) => ({ ...peer, identity: identities.get(peer.peerId) ?? null })),
          pipedProducers: share?.pipedProducers ?? [],
        };
      } catch (error) {
        return { nodeId, reachable: false, error: (error as Error).message, routers: [], peers: [], pipedProducers: [] };
      }
    }),
  );

  // A pipe runs from the producer's node to each node that pipes it in.
  const pipes = new Map<string, { fromNodeId: string; toNodeId: string; producerIds: string[] }>();
  for (const node of nodes) {
    for (const piped of node.pipedProducers) {
      const key = `${piped.originNodeId}>${node.nodeId}`;
      const pipe = pipes.get(key) ?? { fromNodeId: piped.originNodeId, toNodeId: node.nodeId, producerIds: [] };
      pipe.producerIds.push(piped.producerId);
      pipes.set(key, pipe);
    }
  }

  return {
    roomId,
    state: room.state,
    epoch: room.epoch,
    createdAt: room.createdAt,
    nodes,
    participants,
    producers,
    pipes: [...pipes.values()],
    decisions,
  };
}
