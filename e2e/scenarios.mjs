// The browser scenarios shared by `npm run e2e` and `npm test`: which exist,
// what they need from Debian, how they are built and run.
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { join } from 'node:path';

import { ensureDebianPackages, repoRoot } from '../infra/local/bootstrap.mjs';

/** Every scenario, in run order; each is e2e/src/<name>.ts and runs as its own process. */
export const SCENARIOS = ['meeting', 'console', 'weak-network', 'node-failure', 'turn'];
/** Debian packages the scenarios drive: browsers, a CJK font for the Chinese screenshots, coturn, nftables. */
const E2E_PACKAGES = ['chromium', 'firefox-esr', 'fonts-wqy-zenhei', 'coturn', 'nftables'];

/** Installs the scenarios' Debian packages when missing and compiles e2e/; returns false when the build failed. */
export function prepareScenarios(env) {
  ensureDebianPackages(E2E_PACKAGES);

  const build = spawnSync('npx', ['tsc', '-b', 'e2e'], { stdio: 'inherit', cwd: repoRoot, env });
  if (build.status !== 0) {
    process.stderr.write('building the e2e scenarios failed; see the errors above\n');
    return false;
  }
  return true;
}

/** Runs the named scenarios one after another (each starts its own cluster) and prints one line per scenario. */
export function runScenarios(names, env) {
  const results = [];
  for (const name of names) {
    const startedAt = Date.now();
    const run = spawnSync(process.execPath, [join(repoRoot, 'e2e', 'dist', `${name}.js`)], { stdio: 'inherit', cwd: repoRoot, env });
    results.push({ name, passed: run.status === 0, seconds: Math.round((Date.now() - startedAt) / 1000) });
  }

  for (const result of results) {
    process.stdout.write(`e2e ${result.name}: ${result.passed ? 'passed' : 'FAILED'} in ${result.seconds} s\n`);
  }
  return results;
}
