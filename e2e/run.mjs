// npm run e2e: installs what is missing (Debian's chromium too, through
// apt-get when root), builds, then runs the browser meeting test once.
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { join } from 'node:path';

import { bootstrap, ensureDebianPackages, repoRoot } from '../infra/local/bootstrap.mjs';

const workerBin = bootstrap();
// A CJK font, so screenshots of the Chinese page show characters, not boxes.
ensureDebianPackages(['chromium', 'fonts-wqy-zenhei']);

const env = { ...process.env, MEDIASOUP_WORKER_BIN: workerBin };
const build = spawnSync('npx', ['tsc', '-b', 'e2e'], { stdio: 'inherit', cwd: repoRoot, env });
if (build.status !== 0) {
  process.stderr.write('building the e2e test failed; see the errors above\n');
  process.exit(1);
}

const run = spawnSync(process.execPath, [join(repoRoot, 'e2e', 'dist', 'meeting.js')], { stdio: 'inherit', cwd: repoRoot, env });
process.exit(run.status ?? 1);
