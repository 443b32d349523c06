import type { RoomJobContext } from './room-context';
import { closeRoom } from './close-room';

/** How long reconciliation waits for each node to describe itself. */
const DESCRIBE_TIMEOUT_MS = 2000;

export interface ReconcileReport {
  staleRouters: number;
  orphanParticipants: number;
  emptyRooms: number;
  unknownRoomsOnNodes: number;
}

interface NodeDescription {
  rooms: { roomId: string; peers: unknown[] }[];
}

/**
 * Makes the registry agree with what live nodes report. It removes routers
 * of nodes that are gone, participants whose session expired (their
 * signaling node died before it could remove them), and empty rooms. Rooms
 * a node has that the registry does not list are closed on that node.
 */
export async function reconcile(context: RoomJobContext, emptyRoomsPending: (roomId: string) => Promise<boolean>): Promise<ReconcileReport> {
  const report: ReconcileReport = { staleRouters: 0, orphanParticipants: 0, emptyRooms: 0, unknownRoomsOnNodes: 0 };
  const liveNodes = new Set((await context.registry.nodes.list()).map((node) => node.id));
  const roomIds = await context.registry.participants.roomIds();

  for (const roomId of roomIds) {
    report.staleRouters += await removeStaleRouters(context, roomId, liveNodes);
    report.orphanParticipants += await removeOrphanParticipants(context, roomId);

    const left = await context.registry.participants.count(roomId);
    if (left === 0 && !(await emptyRoomsPending(roomId))) {
      await closeRoom(context, roomId, 'empty at reconciliation');
      report.emptyRooms += 1;
    }
  }

  const known = new Set(await context.registry.participants.roomIds());
  for (const nodeId of liveNodes) report.unknownRoomsOnNodes += await closeUnknownRooms(context, nodeId, known);

  const changed = Object.values(report).some((count) => count > 0);
  if (changed) context.logger.info('reconciliation removed stale entries', { ...report });
  else context.logger.debug('reconciliation found nothing stale');
  return report;
}

async function removeStaleRouters(context: RoomJobContext, roomId: string, liveNodes: Set<string>): Promise<number> {
  const room = await context.registry.rooms.get(roomId);
  let removed = 0;

  for (const router of room?.routers ?? []) {
    if (liveNodes.has(router.nodeId)) continue;
    await context.registry.rooms.removeRouter(roomId, router.nodeId, router.workerIndex);
    removed += 1;
  }
  return removed;
}

async function removeOrphanParticipants(context: RoomJobContext, roomId: string): Promise<number> {
  let removed = 0;
  const placedOn = new Map((await context.registry.rooms.peers(roomId)).map((peer) => [peer.peerId, peer.nodeId]));

  for (const participant of await context.registry.participants.list(roomId)) {
    if (participant.sessionId === undefined) continue;
    if (await context.registry.sessions.get(participant.sessionId)) continue;

    // Its media may still run on its node, and no other process would close it.
    const nodeId = placedOn.get(participant.peerId);
    if (nodeId !== undefined) {
      await context.rpc.call(nodeId, 'peer.close', { roomId, peerId: participant.peerId }, DESCRIBE_TIMEOUT_MS).catch(() => undefined);
    }
    await context.registry.participants.remove(roomId, participant.peerId);
    await context.registry.rooms.removePeer(roomId, participant.peerId);
    context.logger.info('removed a participant whose session expired', { roomId, peerId: participant.peerId });
    removed += 1;
  }
  return removed;
}

async function closeUnknownRooms(context: RoomJobContext, nodeId: string, known: Set<string>): Promise<number> {
  let description: NodeDescription;
  try {
    description = await context.rpc.call<NodeDescription>(nodeId, 'node.describe', {}, DESCRIBE_TIMEOUT_MS);
  } catch (error) {
    context.logger.warn('node did not describe itself; its rooms are checked next time', { nodeId, error: (error as Error).message });
    return 0;
  }

  let closed = 0;
  for (const room of description.rooms) {
    if (known.has(room.roomId)) continue;
    context.logger.warn('node has a room missing from the registry; closing it there', { nodeId, roomId: room.roomId, peers: room.peers.length });
    await context.rpc.call(nodeId, 'room.close', { roomId: room.roomId }, DESCRIBE_TIMEOUT_MS).catch(() => undefined);
    closed += 1;
  }
  return closed;
}
