import type { RoomJobContext } from './room-context';
import { publishClusterEvent } from './room-context';

/** How long recovery waits for each surviving node to drop its pipes to the lost one. */
const NODE_CALL_TIMEOUT_MS = 2000;

/**
 * Recovers the rooms of an SFU node whose record expired: its peers are
 * announced in a nodeLost event (signaling places each again and sends it
 * reconnectMedia), the surviving nodes of each room drop their pipes to it,
 * and its keys are removed.
 */
export async function recoverNode(context: RoomJobContext, nodeId: string): Promise<{ rooms: number; peers: number }> {
  // A node that came back (a long pause, not a crash) keeps its rooms.
  if (await context.registry.nodes.get(nodeId)) {
    context.logger.info('node is alive again; nothing to recover', { nodeId });
    return { rooms: 0, peers: 0 };
  }

  const peers: { roomId: string; peerId: string }[] = [];
  const survivors = new Set<string>();
  let rooms = 0;

  for (const roomId of await context.registry.participants.roomIds()) {
    const room = await context.registry.rooms.get(roomId);
    if (!room || !room.nodeIds.includes(nodeId)) continue;
    rooms += 1;

    for (const peer of await context.registry.rooms.peers(roomId)) {
      if (peer.nodeId === nodeId) peers.push({ roomId, peerId: peer.peerId });
    }
    for (const router of room.routers) {
      if (router.nodeId === nodeId) await context.registry.rooms.removeRouter(roomId, nodeId, router.workerIndex);
      else survivors.add(`${router.nodeId}\n${roomId}`);
    }
  }

  await publishClusterEvent(context, { type: 'nodeLost', nodeId, peers });

  for (const entry of survivors) {
    const [survivor, roomId] = entry.split('\n') as [string, string];
    await context.rpc.call(survivor, 'pipe.remoteLost', { roomId, nodeId }, NODE_CALL_TIMEOUT_MS).catch((error: Error) => {
      context.logger.warn('could not drop pipes to the lost node; they close when unused', { nodeId: survivor, roomId, error: error.message });
    });
  }

  await context.registry.nodes.remove(nodeId);
  context.logger.info('lost node recovered: its peers are placed again', { lostNodeId: nodeId, rooms, peers: peers.length });
  return { rooms, peers: peers.length };
}
