// npm start: installs what is missing, then runs a local cluster (Redis,
// 2 signaling nodes, 2 SFU nodes, a lifecycle worker and the web server)
// until Ctrl-C, which stops every process.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { bootstrap, repoRoot } from './bootstrap.mjs';

const workerBin = bootstrap();
process.env.MEDIASOUP_WORKER_BIN = workerBin;

const require = createRequire(import.meta.url);
const { startLocalCluster } = require(join(repoRoot, 'libs', 'testkit', 'dist', 'launcher.js'));

mkdirSync(join(repoRoot, '.local'), { recursive: true });
try {
  await startLocalCluster({ redisDir: join(repoRoot, '.local') });
} catch (error) {
  process.stderr.write(`local cluster did not start: ${error.message}\n`);
  process.exit(1);
}
