import { writeJson, type Command } from '../command';
import { formatDecisions } from '../format/decisions';
import { roomTree } from '../format/room-tree';
import { formatTree } from '../format/tree';
import type { RoomPlacement } from '../types';
import { roomPath } from './paths';

export const roomCommand: Command = {
  name: 'room',
  arguments: ['<room>'],
  synopsis: '[--why]',
  summary: 'show where a room lives: nodes, workers and routers, peers, producers, and the pipes between nodes; --why adds the placement decisions',
  options: { why: { type: 'boolean', default: false } },
  async run(context) {
    const roomId = context.args[0] as string;
    const room = await (await context.client()).get<RoomPlacement>(roomPath(roomId));
    if (context.json) return writeJson(context, room);

    context.stdout.write(formatTree(roomTree(room, context.palette)));
    if (context.options.why) context.stdout.write(`\n${formatDecisions(room.decisions, context.palette)}`);
  },
};
