import type { RoomPlacement } from '../types';
import { formatTable, type Column } from './table';
import { formatAge } from './units';

const columns: Column[] = [
  { header: 'PEER' },
  { header: 'IDENTITY' },
  { header: 'NAME' },
  { header: 'NODE' },
  { header: 'WORKER', align: 'right' },
  { header: 'PRODUCERS', align: 'right' },
  { header: 'CONSUMERS', align: 'right' },
  { header: 'JOINED', align: 'right' },
];

/**
 * Formats a room's participants with the node and worker their media is on.
 * A participant that no reachable node reports (still connecting, or on a
 * lost node) shows "-" for node and worker.
 */
export function formatPeers(room: RoomPlacement, nowMs: number = Date.now()): string {
  if (room.participants.length === 0) return `room ${room.roomId} has no participants\n`;

  const placements = new Map<string, { nodeId: string; workerIndex: number; consumers: number }>();
  for (const node of room.nodes) {
    for (const peer of node.peers) placements.set(peer.peerId, { nodeId: node.nodeId, workerIndex: peer.workerIndex, consumers: peer.consumers });
  }

  const participants = [...room.participants].sort((a, b) => a.joinedAt - b.joinedAt);
  const rows = participants.map((participant) => {
    const placement = placements.get(participant.peerId);
    const producers = room.producers.filter((producer) => producer.peerId === participant.peerId).length;
    return [
      participant.peerId,
      participant.identity,
      participant.displayName ?? '-',
      placement?.nodeId ?? '-',
      placement === undefined ? '-' : String(placement.workerIndex),
      String(producers),
      placement === undefined ? '-' : String(placement.consumers),
      formatAge(participant.joinedAt, nowMs),
    ];
  });
  return formatTable(columns, rows);
}
