import type { RoomsResponse } from '../types';
import { colorState, type Palette } from './color';
import { formatTable, type Column } from './table';
import { formatAge } from './units';

const columns: Column[] = [
  { header: 'ROOM' },
  { header: 'STATE' },
  { header: 'EPOCH', align: 'right' },
  { header: 'NODES' },
  { header: 'PARTICIPANTS', align: 'right' },
  { header: 'PRODUCERS', align: 'right' },
  { header: 'AGE', align: 'right' },
];

/** Formats the rooms as a table sorted by id; AGE is the time since the room was created. */
export function formatRooms(response: RoomsResponse, palette: Palette, nowMs: number = Date.now()): string {
  if (response.rooms.length === 0) return 'no rooms\n';

  const rooms = [...response.rooms].sort((a, b) => a.roomId.localeCompare(b.roomId));
  const rows = rooms.map((room) => [
    room.roomId,
    colorState(palette, room.state),
    String(room.epoch),
    room.nodeIds.length > 0 ? room.nodeIds.join(',') : '-',
    String(room.participants),
    String(room.producers),
    room.createdAt === null ? '-' : formatAge(room.createdAt, nowMs),
  ]);
  return formatTable(columns, rows);
}
