import { mintLocalToken } from '../auth';
import { stringOption, writeJson, type Command } from '../command';
import { UsageError } from '../errors';

export const tokenCommand: Command = {
  name: 'token',
  arguments: [],
  synopsis: '--room <id> --identity <name> [--admin]',
  summary: "print a client token signed with the local secret (local mode only; '*' as room with --admin for admin routes)",
  options: {
    room: { type: 'string' },
    identity: { type: 'string' },
    admin: { type: 'boolean', default: false },
  },
  async run(context) {
    const room = stringOption(context.options, 'room');
    const identity = stringOption(context.options, 'identity');
    if (!room) throw new UsageError('token: missing --room <id>');
    if (!identity) throw new UsageError('token: missing --identity <name>');

    const token = await mintLocalToken(room, identity, context.options.admin === true);
    if (context.json) return writeJson(context, { token });
    context.stdout.write(`${token}\n`);
  },
};
