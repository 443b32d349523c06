import { writeJson, type Command } from '../command';
import { formatNodes } from '../format/nodes';
import type { NodesResponse } from '../types';

export const nodesCommand: Command = {
  name: 'nodes',
  arguments: [],
  synopsis: '',
  summary: 'list the SFU nodes with their state, load against capacity and record age; lost nodes last',
  options: {},
  async run(context) {
    const response = await (await context.client()).get<NodesResponse>('/api/v1/admin/nodes');
    if (context.json) return writeJson(context, response);
    context.stdout.write(formatNodes(response, context.palette));
  },
};
