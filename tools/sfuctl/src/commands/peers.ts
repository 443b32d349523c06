import { writeJson, type Command } from '../command';
import { formatPeers } from '../format/peers';
import type { RoomPlacement } from '../types';
import { roomPath } from './paths';

export const peersCommand: Command = {
  name: 'peers',
  arguments: ['<room>'],
  synopsis: '',
  summary: "list a room's participants with the node and worker their media is on (--json prints the whole room placement)",
  options: {},
  async run(context) {
    const room = await (await context.client()).get<RoomPlacement>(roomPath(context.args[0] as string));
    if (context.json) return writeJson(context, room);
    context.stdout.write(formatPeers(room));
  },
};
