// npm test: installs what is missing, builds, lints, runs every jest test
// once, then every browser scenario of e2e/, and ends with one summary line:
// "tests: N passed, N failed, N skipped", browser scenarios counted in.
// With arguments (a jest filter, say) it runs only those jest tests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { prepareScenarios, runScenarios, SCENARIOS } from '../../e2e/scenarios.mjs';
import { bootstrap, repoRoot } from './bootstrap.mjs';

const workerBin = bootstrap();
const env = { ...process.env, MEDIASOUP_WORKER_BIN: workerBin, TURBO_TELEMETRY_DISABLED: '1' };

const lint = spawnSync('npx', ['turbo', 'run', 'lint', '--output-logs=errors-only'], { stdio: 'inherit', cwd: repoRoot, env });
if (lint.status !== 0) {
  process.stderr.write('lint failed; see the errors above\n');
  process.exit(1);
}

const resultDir = mkdtempSync(join(tmpdir(), 'sfu-jest-'));
const resultFile = join(resultDir, 'results.json');
// In band: integration tests start clusters of real processes, and two of
// them at once on a 2-core machine only make both slower.
const jestFilter = process.argv.slice(2);
const jestArgs = ['jest', '--runInBand', '--json', `--outputFile=${resultFile}`, ...jestFilter];
const jest = spawnSync('npx', jestArgs, { stdio: 'inherit', cwd: repoRoot, env });

let results;
try {
  results = JSON.parse(readFileSync(resultFile, 'utf8'));
} catch {
  process.stderr.write(`jest wrote no results (status ${jest.status}); see its output above\n`);
  process.exit(1);
} finally {
  rmSync(resultDir, { recursive: true, force: true });
}

const { numPassedTests: jestPassed, numFailedTests: jestFailed, numPendingTests: skipped, numTodoTests: todo } = results;
const suitesFailed = results.numFailedTestSuites + results.numRuntimeErrorTestSuites;

// Browser scenarios run even after a jest failure, so one run shows every failure.
let scenarios = [];
if (jestFilter.length === 0) {
  scenarios = prepareScenarios(env) ? runScenarios(SCENARIOS, env) : SCENARIOS.map((name) => ({ name, passed: false }));
}
const passed = jestPassed + scenarios.filter((scenario) => scenario.passed).length;
const failed = jestFailed + scenarios.filter((scenario) => !scenario.passed).length;
process.stdout.write(`tests: ${passed} passed, ${failed} failed, ${skipped + todo} skipped\n`);

if (passed === 0) {
  process.stderr.write('no test ran; a run that checks nothing does not pass\n');
  process.exit(1);
}
process.exit(jest.status === 0 && failed === 0 && suitesFailed === 0 ? 0 : 1);
