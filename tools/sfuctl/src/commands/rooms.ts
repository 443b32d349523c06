import { writeJson, type Command } from '../command';
import { formatRooms } from '../format/rooms';
import type { RoomsResponse } from '../types';

export const roomsCommand: Command = {
  name: 'rooms',
  arguments: [],
  synopsis: '',
  summary: 'list the rooms with their state, nodes, participants and producers',
  options: {},
  async run(context) {
    const response = await (await context.client()).get<RoomsResponse>('/api/v1/admin/rooms');
    if (context.json) return writeJson(context, response);
    context.stdout.write(formatRooms(response, context.palette));
  },
};
