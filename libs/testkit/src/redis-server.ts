import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './ports';
import { ManagedProcess } from './process';

export interface RedisServerOptions {
  /** Fixed port; a free one when omitted. */
  port?: number;
  /** Append-only persistence, so queued jobs survive a restart. */
  appendOnly?: boolean;
  /** Data directory; a fresh temporary one, removed on stop, when omitted. */
  dir?: string;
  onLine?: (line: string) => void;
}

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

const REDIS_BIN = process.env.REDIS_SERVER_BIN ?? 'redis-server';

/**
 * Starts Debian's redis-server on 127.0.0.1 with its own port and data
 * directory. stop() ends it and removes a directory it created.
 */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'sfu-redis-')));

  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  args.push('--appendonly', options.appendOnly ? 'yes' : 'no');

  const redis = new ManagedProcess({
    name: `redis-${port}`,
    command: REDIS_BIN,
    args,
    onLine: options.onLine,
  });
  redis.start();
  try {
    await redis.waitForLine(/Ready to accept connections/, 10_000);
  } catch (error) {
    await redis.stop();
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    process: redis,
    stop: async () => {
      await redis.stop();
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
