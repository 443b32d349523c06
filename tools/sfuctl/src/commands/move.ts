import { stringOption, writeJson, type Command } from '../command';
import { UsageError } from '../errors';
import { plural } from '../format/units';
import type { MoveResponse } from '../types';
import { roomMovePath } from './paths';

export const moveCommand: Command = {
  name: 'move',
  arguments: ['<room>'],
  synopsis: '--to <node>',
  summary: 'move a room to another node; its peers rebuild their media there',
  options: { to: { type: 'string' } },
  async run(context) {
    const roomId = context.args[0] as string;
    const toNodeId = stringOption(context.options, 'to');
    if (!toNodeId) throw new UsageError('move: missing --to <node>; list the nodes with sfuctl nodes');

    const response = await (await context.client()).post<MoveResponse>(roomMovePath(roomId), { toNodeId });
    if (context.json) return writeJson(context, response);
    context.stdout.write(`room ${response.roomId} is moving to ${response.toNodeId} at epoch ${response.epoch}; ${plural(response.peers, 'peer')} reconnect there\n`);
  },
};
