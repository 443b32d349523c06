import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { Redis } from 'ioredis';

import type { WebhookEvent } from '@sfu-cluster/jobs';
import { freePort, ManagedProcess, serviceEntry, startRedis, type RedisServer } from '@sfu-cluster/testkit';

export const WEBHOOK_SECRET = 'lifecycle-test-webhook-secret';

/** One POST as the receiver saw it. */
export interface ReceivedCall {
  eventId: string;
  event: WebhookEvent;
  /** True when the X-SFU-Signature header matches the HMAC-SHA256 of the raw body. */
  signatureValid: boolean;
  /** HTTP status of the response, or 0 when the receiver never responded. */
  status: number;
}

export interface ReceiverOptions {
  /** Respond with HTTP 500 to this many first calls (default 0). */
  failFirst?: number;
  /** Leave the call with this 1-based number without a response until dropHeld() or close(). */
  holdCall?: number;
}

/** An HTTP webhook receiver on 127.0.0.1 that records every call in arrival order. */
export class WebhookReceiver {
  readonly calls: ReceivedCall[] = [];
  private held?: { response: ServerResponse; call: ReceivedCall };

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: ReceiverOptions,
  ) {}

  static async start(options: ReceiverOptions = {}): Promise<WebhookReceiver> {
    const port = await freePort();
    const server = createServer();
    const receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/hooks`, options);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => void receiver.handle(request, response));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return receiver;
  }

  /** Returns the first 2xx call of each event id, in arrival order. */
  acceptedOnce(): ReceivedCall[] {
    const seen = new Set<string>();
    return this.calls.filter((call) => {
      if (call.status < 200 || call.status >= 300 || seen.has(call.eventId)) return false;
      seen.add(call.eventId);
      return true;
    });
  }

  /** True once each of eventIds was in a call that got a 2xx response. */
  hasAccepted(eventIds: string[]): boolean {
    const accepted = new Set(this.acceptedOnce().map((call) => call.eventId));
    return eventIds.every((id) => accepted.has(id));
  }

  /** True while the held call waits for a response. */
  get holding(): boolean {
    return this.held !== undefined;
  }

  /** Drops the held call's connection without a response, as a receiver that crashed would. */
  dropHeld(): void {
    this.held?.response.socket?.destroy();
    this.held = undefined;
  }

  async close(): Promise<void> {
    this.dropHeld();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');

    const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
    const event = JSON.parse(body) as WebhookEvent;
    const call: ReceivedCall = {
      eventId: String(request.headers['x-sfu-event-id']),
      event,
      signatureValid: request.headers['x-sfu-signature'] === expected,
      status: 0,
    };
    this.calls.push(call);

    if (this.calls.length === this.options.holdCall) {
      this.held = { response, call };
      return;
    }

    call.status = this.calls.length <= (this.options.failFirst ?? 0) ? 500 : 200;
    response.writeHead(call.status, { 'Content-Type': 'text/plain' }).end(call.status === 200 ? 'ok' : 'failing on purpose');
  }
}

/** Starts services/lifecycle/dist on a free port with webhooks to receiverUrl; env overrides the defaults. */
export async function startLifecycle(
  redis: RedisServer,
  prefix: string,
  receiverUrl: string,
  name: string,
  env: NodeJS.ProcessEnv = {},
): Promise<ManagedProcess> {
  const port = await freePort();
  const child = new ManagedProcess({
    name,
    command: process.execPath,
    args: [serviceEntry('lifecycle')],
    env: {
      ...process.env,
      CLUSTER_MODE: 'local',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      PORT: String(port),
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      WEBHOOK_URLS: receiverUrl,
      WEBHOOK_SECRET,
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_MAX_ATTEMPTS: '20',
      WEBHOOK_BACKOFF_MS: '100',
      ...env,
    },
  });
  child.start();
  await child.waitForHttp(`http://127.0.0.1:${port}/api/v1/health`, 30_000);
  return child;
}

/** A Redis server for one test file, and a client; stop() deletes the test's keys first. */
export interface TestRedis {
  server: RedisServer;
  redis: Redis;
  /** A REDIS_PREFIX no other test uses. */
  freshPrefix(): string;
  stop(): Promise<void>;
}

export async function startTestRedis(): Promise<TestRedis> {
  const server = await startRedis();
  const redis = new Redis(server.url, { maxRetriesPerRequest: 2 });
  const base = `test-${randomUUID().slice(0, 8)}:`;
  let count = 0;

  return {
    server,
    redis,
    freshPrefix: () => `${base}${++count}:`,
    stop: async () => {
      const keys = await redis.keys(`${base}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await server.stop();
    },
  };
}

/**
 * Checks per room that no event was posted before every earlier event of
 * the room had been accepted; returns the violations as sentences.
 */
export function orderViolations(calls: ReceivedCall[]): string[] {
  const acceptedUpTo = new Map<string, number>();
  const violations: string[] = [];

  for (const call of calls) {
    const { roomId, sequence } = call.event;
    const done = acceptedUpTo.get(roomId) ?? 0;
    if (sequence > done + 1) {
      violations.push(`room ${roomId}: event ${sequence} posted before event ${done + 1} was accepted`);
    }
    if (call.status === 200 && sequence === done + 1) acceptedUpTo.set(roomId, sequence);
  }
  return violations;
}
