// Installs whatever a fresh Debian 12 clone is missing, then builds the
// TypeScript: Debian packages (when root), npm packages, the mediasoup
// worker (cached outside the clone) and every workspace.
//
// Plain JavaScript with no dependencies: it runs before node_modules exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Debian packages the cluster needs at run time; the worker build adds its own. */
const RUNTIME_PACKAGES = ['redis-server'];

function say(message) {
  process.stderr.write(`[setup] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: repoRoot, ...options });
  if (result.status !== 0) {
    say(`${command} ${args.join(' ')} failed with status ${result.status ?? result.signal}`);
    process.exit(1);
  }
}

function checkNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) {
    say(`Node.js ${process.versions.node} is too old; install Node.js 20 or newer`);
    process.exit(1);
  }
}

function missingDebianPackages(names) {
  return names.filter((name) => {
    const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return !(result.stdout ?? '').includes('ok installed');
  });
}

export function ensureDebianPackages(names) {
  const missing = missingDebianPackages(names);
  if (missing.length === 0) return;

  if (process.getuid?.() !== 0) {
    say(`missing Debian packages: ${missing.join(' ')}; install them with: sudo apt-get install ${missing.join(' ')}`);
    process.exit(1);
  }
  say(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', ...missing], { env });
}

function lockHash() {
  return createHash('sha256').update(readFileSync(join(repoRoot, 'package-lock.json'))).digest('hex');
}

function ensureNpmPackages() {
  const marker = join(repoRoot, 'node_modules', '.sfu-cluster-lock');
  const wanted = lockHash();
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return;

  // ci installs exactly what package-lock.json pins; .npmrc turns off
  // install scripts (mediasoup's would try to download a worker).
  say('installing npm packages (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(marker, wanted);
}

function buildWorker() {
  const output = execFileSync('bash', [join(repoRoot, 'infra', 'worker', 'build-worker.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return output.trim().split('\n').pop();
}

function buildWorkspaces() {
  say('building TypeScript (turbo run build)');
  run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  });
}

/**
 * Brings the clone to a runnable state and returns the worker binary path.
 * Every step checks first and skips when done, so a second run is quick.
 */
export function bootstrap() {
  checkNode();
  ensureDebianPackages(RUNTIME_PACKAGES);
  ensureNpmPackages();
  const workerBin = buildWorker();
  buildWorkspaces();
  return workerBin;
}
