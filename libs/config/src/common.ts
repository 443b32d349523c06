import { EnvReader } from './reader';

export type ClusterMode = 'local' | 'production';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogFormat = 'json' | 'pretty';

export interface RedisConfig {
  /** redis:// or rediss:// URL; with Sentinels, only its credentials and db are used. */
  url: string;
  sentinels: { host: string; port: number }[];
  sentinelName: string;
  /** Prefix of every key and channel, so tests and tenants can share a server. */
  prefix: string;
}

export interface CommonConfig {
  mode: ClusterMode;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** HTTP port of this process. */
  port: number;
  /** Address the HTTP server binds. */
  host: string;
  redis: RedisConfig;
}

const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

/** Reads the variables every process shares. */
export function readCommon(reader: EnvReader, defaultPort: number): CommonConfig {
  const mode = reader.oneOf('CLUSTER_MODE', ['local', 'production'] as const, 'production');
  const local = mode === 'local';

  return {
    mode,
    logLevel: reader.oneOf('LOG_LEVEL', ['error', 'warn', 'info', 'debug'] as const, 'info'),
    logFormat: reader.oneOf('LOG_FORMAT', ['json', 'pretty'] as const, local ? 'pretty' : 'json'),
    port: reader.port('PORT', defaultPort),
    host: reader.host('HOST', local ? '127.0.0.1' : '0.0.0.0'),
    redis: readRedis(reader, local),
  };
}

function readRedis(reader: EnvReader, local: boolean): RedisConfig {
  const sentinels = readSentinels(reader);

  let url = reader.raw('REDIS_URL');
  if (url === undefined && sentinels.length === 0) {
    if (local) {
      url = LOCAL_REDIS_URL;
    } else {
      reader.fail('REDIS_URL is missing; set it to redis://[user:password@]host:6379 or set REDIS_SENTINELS');
    }
  }
  url ??= 'redis://';

  if (!/^rediss?:\/\//.test(url)) {
    reader.fail(`REDIS_URL=${redactUrl(url)} is not a Redis URL; use redis://host:port or rediss://host:port`);
  } else if (sentinels.length === 0 || url !== 'redis://') {
    checkRedisUrl(reader, url);
  }

  return {
    url,
    sentinels,
    sentinelName: reader.string('REDIS_SENTINEL_NAME', 'mymaster'),
    prefix: reader.string('REDIS_PREFIX', 'sfu:'),
  };
}

/** Catches what only shows at connect time: a port out of range, a database that is not a number. */
function checkRedisUrl(reader: EnvReader, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    reader.fail(`REDIS_URL=${redactUrl(url)} is not a valid URL; use redis://[user:password@]host:port[/db] and percent-encode special characters in the password`);
    return;
  }

  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    reader.fail(`REDIS_URL=${redactUrl(url)} names database "${db}"; the path must be a database number such as /0`);
  }
}

function readSentinels(reader: EnvReader): { host: string; port: number }[] {
  const entries = reader.list('REDIS_SENTINELS', []);
  const sentinels: { host: string; port: number }[] = [];

  for (const entry of entries) {
    const match = /^(.+):(\d{1,5})$/.exec(entry);
    const port = match ? Number(match[2]) : 0;
    if (!match || port < 1 || port > 65535) {
      reader.fail(`REDIS_SENTINELS entry "${entry}" is not host:port; list Sentinels as host1:26379,host2:26379`);
      continue;
    }
    sentinels.push({ host: match[1] as string, port });
  }
  return sentinels;
}

/**
 * Hides the password of a URL before it goes into a message or a log. The
 * password runs to the last '@' before the host, so one holding '/' or '@'
 * is hidden whole.
 */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):(.*)@/, '//$1:***@');
}
