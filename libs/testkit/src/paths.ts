import { join, resolve } from 'node:path';

/** The repository root; this file sits at libs/testkit/{src,dist}/. */
export const repoRoot = resolve(__dirname, '..', '..', '..');

/** The compiled entry point of a service, as a child process runs it. */
export function serviceEntry(service: 'signaling' | 'sfu' | 'lifecycle' | 'web'): string {
  return join(repoRoot, 'services', service, 'dist', 'main.js');
}
