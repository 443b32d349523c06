// npm run e2e [-- SCENARIO ...]: installs what is missing (Debian's browsers
// and coturn too, through apt-get when root), builds, then runs each browser
// scenario once, one after another, and prints which passed.
import process from 'node:process';

import { bootstrap } from '../infra/local/bootstrap.mjs';
import { prepareScenarios, runScenarios, SCENARIOS } from './scenarios.mjs';

const requested = process.argv.slice(2);
for (const name of requested) {
  if (!SCENARIOS.includes(name)) {
    process.stderr.write(`unknown e2e scenario "${name}": use one of ${SCENARIOS.join(', ')}\n`);
    process.exit(2);
  }
}

const env = { ...process.env, MEDIASOUP_WORKER_BIN: bootstrap() };
if (!prepareScenarios(env)) process.exit(1);

const results = runScenarios(requested.length > 0 ? requested : SCENARIOS, env);
process.exit(results.every((result) => result.passed) ? 0 : 1);
