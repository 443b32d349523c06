import { recordWebhookEvent } from '@sfu-cluster/jobs';
import { notifications } from '@sfu-cluster/protocol';

import { publishClusterEvent, type RoomJobContext } from './room-context';

/** How long closing waits for each node that hosts the room. */
const NODE_CALL_TIMEOUT_MS = 3000;

/**
 * Closes a room everywhere: notifies its clients (when any are left), closes
 * its routers on every node that hosts it, and removes its registry keys.
 * Safe to run twice: a room already gone is a no-op.
 */
export async function closeRoom(context: RoomJobContext, roomId: string, reason: string): Promise<void> {
  const room = await context.registry.rooms.get(roomId);
  const participants = await context.registry.participants.list(roomId);
  if (!room && participants.length === 0) {
    // Nothing placed and no participant in it, so only its listing is left.
    await context.registry.participants.clear(roomId);
    return;
  }

  if (participants.length > 0) {
    await publishClusterEvent(context, { type: notifications.roomClosed, roomId, reason });
  }

  for (const nodeId of room?.nodeIds ?? []) {
    await context.rpc.call(nodeId, 'room.close', { roomId }, NODE_CALL_TIMEOUT_MS).catch((error: Error) => {
      // A node that is gone has no router left to close; reconciliation covers one that is slow.
      context.logger.warn('could not close the room on a node', { roomId, nodeId, error: error.message });
    });
  }

  await context.registry.participants.clear(roomId);
  await context.registry.rooms.remove(roomId);
  await recordWebhookEvent(context.queueRedis, context.prefix, { type: 'room_finished', roomId, data: { reason } }).catch((error: Error) => {
    context.logger.warn('could not record room_finished; receivers will miss it', { roomId, error: error.message });
  });
  context.logger.info('room closed', { roomId, reason, participants: participants.length, nodes: room?.nodeIds.length ?? 0 });
}
