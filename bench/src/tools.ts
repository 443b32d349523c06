import { execFileSync, spawnSync } from 'node:child_process';

/** Returns true when command is on PATH. */
function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure command is installed, installing Debian's debianPackage with
 * apt-get when it is missing and this process runs as root. Raises with the
 * install command otherwise.
 */
export function ensureCommand(command: string, debianPackage: string, log: (line: string) => void): void {
  if (onPath(command)) return;

  if (process.getuid?.() !== 0) {
    throw new Error(`${command} not found: install it with "apt-get install ${debianPackage}" as root`);
  }
  log(`${command} not found; installing ${debianPackage} with apt-get`);
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', debianPackage], { stdio: 'inherit' });
  if (!onPath(command)) throw new Error(`apt-get installed ${debianPackage} but ${command} is still not on PATH`);
}
