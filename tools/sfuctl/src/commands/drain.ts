import { stringOption, writeJson, type Command, type OptionValues } from '../command';
import { UsageError } from '../errors';
import type { CancelDrainResponse, DrainResponse } from '../types';
import { plural } from '../format/units';
import { nodeDrainPath } from './paths';

export const drainCommand: Command = {
  name: 'drain',
  arguments: ['<node>'],
  synopsis: '[--migrate] [--deadline <seconds>] | --cancel',
  summary: 'stop placing peers on a node; --migrate moves its peers away now, --deadline caps how long it keeps serving, --cancel makes it active again',
  options: {
    migrate: { type: 'boolean', default: false },
    deadline: { type: 'string' },
    cancel: { type: 'boolean', default: false },
  },
  async run(context) {
    const nodeId = context.args[0] as string;
    const client = await context.client();

    if (context.options.cancel) {
      if (context.options.migrate || context.options.deadline !== undefined) {
        throw new UsageError('drain: --cancel takes neither --migrate nor --deadline');
      }
      const response = await client.delete<CancelDrainResponse>(nodeDrainPath(nodeId));
      if (context.json) return writeJson(context, response);
      context.stdout.write(`node ${response.nodeId} is ${response.state} again\n`);
      return;
    }

    const body = { migrate: context.options.migrate === true, deadlineSeconds: deadlineSeconds(context.options) };
    const response = await client.post<DrainResponse>(nodeDrainPath(nodeId), body);
    if (context.json) return writeJson(context, response);

    const then = body.migrate ? 'their peers are moving to other nodes now' : 'they stay until they end or the deadline passes';
    context.stdout.write(`node ${response.nodeId} is ${response.state}: ${plural(response.rooms, 'room')} and ${plural(response.peers, 'peer')} on it; ${then}\n`);
  },
};

function deadlineSeconds(options: OptionValues): number | undefined {
  const text = stringOption(options, 'deadline');
  if (text === undefined) return undefined;

  const seconds = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(seconds)) {
    throw new UsageError(`drain: --deadline ${text} is not a whole number of seconds`);
  }
  return seconds;
}
