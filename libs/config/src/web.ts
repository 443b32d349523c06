import { readCommon, type CommonConfig } from './common';
import { EnvReader } from './reader';
import type { Env } from './variables';

export type WebConfig = Omit<CommonConfig, 'redis'>;

const WEB_DEFAULT_PORT = 8080;

/**
 * Reads and validates the web server's configuration; throws ConfigError.
 * The web server serves static files only, so it needs no Redis, and
 * REDIS_URL is neither read nor required.
 */
export function loadWebConfig(env: Env = process.env): WebConfig {
  const reader = new EnvReader({ ...env, REDIS_URL: env.REDIS_URL ?? 'redis://unused', REDIS_SENTINELS: undefined });
  const { redis: _unused, ...config } = readCommon(reader, WEB_DEFAULT_PORT);
  reader.done();
  return config;
}
