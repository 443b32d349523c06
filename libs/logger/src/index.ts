import winston from 'winston';

export type Logger = winston.Logger;

/** Ids a log line may carry; each becomes a field of its own. */
export interface LogContext {
  module?: string;
  nodeId?: string;
  roomId?: string;
  peerId?: string;
  workerPid?: number;
  [key: string]: unknown;
}

export interface LoggerOptions {
  /** The process kind: signaling, sfu, lifecycle, web, launcher. */
  service: string;
  level?: 'error' | 'warn' | 'info' | 'debug';
  /** json for log collectors, pretty for a person at a terminal. */
  format?: 'json' | 'pretty';
  /** Fields every line of this process carries, such as nodeId. */
  context?: LogContext;
}

/**
 * Creates the root logger of a process. Lines go to stderr so that stdout
 * stays free for a command's output (a token, a path).
 */
export function createLogger(options: LoggerOptions): Logger {
  const format = options.format ?? 'json';

  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { service: options.service, ...options.context },
    format: format === 'json' ? jsonFormat() : prettyFormat(),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
}

/** A child logger for one module, carrying its ids as fields. */
export function moduleLogger(parent: Logger, module: string, context: LogContext = {}): Logger {
  return parent.child({ module, ...context });
}

function jsonFormat(): winston.Logform.Format {
  return winston.format.combine(
    winston.format.timestamp(),
    winston.format.errors({ stack: true }),
    winston.format.json(),
  );
}

function prettyFormat(): winston.Logform.Format {
  return winston.format.combine(
    winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
    winston.format.errors({ stack: true }),
    winston.format.colorize({ level: true }),
    winston.format.printf(renderPretty),
  );
}

const HEAD_FIELDS = new Set(['timestamp', 'level', 'message', 'service', 'module', 'stack']);

function renderPretty(info: winston.Logform.TransformableInfo): string {
  const where = [info.service, info.module].filter(Boolean).join('/');
  const fields = Object.entries(info)
    .filter(([key]) => !HEAD_FIELDS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const stack = typeof info.stack === 'string' ? `\n${info.stack}` : '';
  return `${String(info.timestamp)} ${info.level} [${where}] ${String(info.message)}${fields ? ` ${fields}` : ''}${stack}`;
}
