// npm run token -- --room <id> --identity <name> [--admin]: prints a client
// token for the local cluster. Needs the build that npm start or npm test makes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

import { repoRoot } from './bootstrap.mjs';

const cli = join(repoRoot, 'services', 'signaling', 'dist', 'token-cli.js');
if (!existsSync(cli)) {
  process.stderr.write('token: the signaling service is not built yet; run npm start or npm run build first\n');
  process.exit(2);
}
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
