import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from './paths';

/**
 * The mediasoup worker binary: MEDIASOUP_WORKER_BIN when set, otherwise the
 * cached build of infra/worker/build-worker.sh (built first if missing).
 */
export function workerBin(): string {
  const fromEnv = process.env.MEDIASOUP_WORKER_BIN;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!existsSync(fromEnv)) throw new Error(`MEDIASOUP_WORKER_BIN=${fromEnv} does not exist; unset it or build the worker`);
    return fromEnv;
  }

  const script = join(repoRoot, 'infra', 'worker', 'build-worker.sh');
  const output = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const path = output.trim().split('\n').pop() ?? '';
  if (!existsSync(path)) throw new Error(`${script} printed no worker path`);
  return path;
}
