import { Router } from 'express';

import { ErrorCode, type NodePlacement, type NodesResponse, type PipeEntry, type PipesResponse, type RoomPlacement, type RoomSummary } from '@sfu-cluster/protocol';
import type { Redis, Registry } from '@sfu-cluster/registry';
import type { RpcClient } from '@sfu-cluster/rpc';

import type { TokenVerifier } from '../auth';
import { adminActionsRouter } from './admin-actions';
import { describeNode, type NodeDescription } from './node-description';
import { requireToken } from './require-token';

/**
 * Admin routes (token with the admin grant): the nodes, the rooms, the
 * pipes between nodes, and one room's placement, which lists the peers and
 * producers on each node and worker and the room's pipes. Field names are
 * documented in the README.
 */
export function adminRouter(registry: Registry, rpc: RpcClient, verifier: TokenVerifier, publisher: Redis, prefix: string): Router {
  const router = Router();
  router.use('/api/v1/admin', requireToken(verifier, 'admin'));
  router.use(adminActionsRouter(registry, rpc, publisher, prefix));

  router.get('/api/v1/admin/nodes', async (_req, res) => {
    const [nodes, lost] = await Promise.all([registry.nodes.list(), registry.nodes.expiredNodeIds()]);
    const body: NodesResponse = { nodes, lost };
    res.json(body);
  });

  router.get('/api/v1/admin/rooms', async (_req, res) => {
    const roomIds = await registry.participants.roomIds();
    const rooms = await Promise.all(roomIds.map((roomId) => roomSummary(registry, roomId)));
    res.json({ rooms });
  });

  router.get('/api/v1/admin/pipes', async (_req, res) => {
    res.json(await pipeList(registry, rpc));
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

async function roomSummary(registry: Registry, roomId: string): Promise<RoomSummary> {
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
): Promise<RoomPlacement> {
  const [participants, producers, decisions] = await Promise.all([
    registry.participants.list(roomId),
    registry.participants.producers(roomId),
    registry.placement.decisions(roomId),
  ]);
  const identities = new Map(participants.map((participant) => [participant.peerId, participant.identity]));

  const descriptions = new Map<string, NodeDescription>();
  const nodes = await Promise.all(
    room.nodeIds.map(async (nodeId): Promise<NodePlacement> => {
      try {
        const description = await describeNode(rpc, nodeId);
        descriptions.set(nodeId, description);
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

  // A pipe runs from the producer's node to each node that pipes it in. Its
  // bitrate is what the receiving node's end of the pipe transport takes in.
  const pipes = new Map<string, { fromNodeId: string; toNodeId: string; producerIds: string[]; bitrate: number }>();
  for (const node of nodes) {
    for (const piped of node.pipedProducers) {
      const key = `${piped.originNodeId}>${node.nodeId}`;
      const bitrate = receivedBitrate(descriptions.get(node.nodeId), roomId, piped.originNodeId);
      const pipe = pipes.get(key) ?? { fromNodeId: piped.originNodeId, toNodeId: node.nodeId, producerIds: [], bitrate };
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

/** Bits per second a node receives over its pipe from another node for one room; 0 when it has no such pipe. */
function receivedBitrate(description: NodeDescription | undefined, roomId: string, fromNodeId: string): number {
  const link = description?.pipes.find((entry) => entry.roomId === roomId && entry.remoteNodeId === fromNodeId);
  return link?.bitrateIn ?? 0;
}

/**
 * Lists every pipe of every live node, one entry per direction. Each node's
 * end of a pipe transport reports what it receives from the other end, so a
 * direction that carries no producer shows bitrate 0.
 * Nodes that do not respond in time are listed in unreachable.
 */
async function pipeList(registry: Registry, rpc: RpcClient): Promise<PipesResponse> {
  const nodes = await registry.nodes.list();
  const pipes: PipeEntry[] = [];
  const unreachable: string[] = [];

  await Promise.all(
    nodes.map(async (node) => {
      try {
        const description = await describeNode(rpc, node.id);
        for (const link of description.pipes) {
          pipes.push({ roomId: link.roomId, fromNodeId: link.remoteNodeId, toNodeId: node.id, bitrate: link.bitrateIn });
        }
      } catch {
        unreachable.push(node.id);
      }
    }),
  );

  pipes.sort((a, b) => a.roomId.localeCompare(b.roomId) || a.fromNodeId.localeCompare(b.fromNodeId) || a.toNodeId.localeCompare(b.toNodeId));
  return { pipes, unreachable: unreachable.sort() };
}
