import { parseArgs } from 'node:util';

import { LOCAL_JWT_SECRET } from '@sfu-cluster/config';
import { signToken } from '@sfu-cluster/protocol';

/**
 * npm run token -- --room <id> --identity <name> [--admin] [--ttl <seconds>]
 * Prints a signed client token on stdout. Local mode only: in production,
 * tokens come from the application that manages its users.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      room: { type: 'string' },
      identity: { type: 'string' },
      admin: { type: 'boolean', default: false },
      'no-publish': { type: 'boolean', default: false },
      'no-subscribe': { type: 'boolean', default: false },
      ttl: { type: 'string', default: '21600' },
    },
  });

  const mode = process.env.CLUSTER_MODE ?? 'local';
  if (mode !== 'local') fail('token minting works in local mode only; unset CLUSTER_MODE or set it to local');
  if (!values.room) fail('missing --room <id>');
  if (!values.identity) fail('missing --identity <name>');
  const ttlSeconds = Number(values.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) fail(`--ttl ${values.ttl} is not a positive whole number of seconds`);

  const token = await signToken(process.env.JWT_SECRET || LOCAL_JWT_SECRET, {
    room: values.room as string,
    identity: values.identity as string,
    grants: { admin: values.admin, publish: !values['no-publish'], subscribe: !values['no-subscribe'] },
    ttlSeconds,
  });
  process.stdout.write(`${token}\n`);
}

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`);
  process.exit(2);
}

void main();
