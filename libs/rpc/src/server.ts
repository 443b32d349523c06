import type { z } from 'zod';

import { moduleLogger, type Logger } from '@sfu-cluster/logger';
import { whenReady, type Redis } from '@sfu-cluster/registry';

import { channels, decode, type RpcReply, type RpcRequest } from './envelope';
import { RpcError, RpcErrorCode } from './errors';

export interface RpcServerOptions {
  publisher: Redis;
  /** Redis connection this server puts in subscriber mode; not shared. */
  subscriber: Redis;
  prefix: string;
  /** The name callers address, such as an SFU node id. */
  target: string;
  logger: Logger;
}

export interface RpcContext {
  requestId: string;
  from: string;
  deadline: number;
}

interface Method {
  schema: z.ZodType;
  handler: (params: unknown, context: RpcContext) => Promise<unknown> | unknown;
}

/**
 * Serves methods to callers over Redis. Each method declares a schema; a
 * request whose params do not match gets INVALID_PARAMS naming the field,
 * and no handler runs. A handler's failure goes back to that caller only.
 */
export class RpcServer {
  private readonly methods = new Map<string, Method>();
  private readonly channel: string;
  private readonly logger: Logger;
  private starting?: Promise<void>;

  constructor(private readonly options: RpcServerOptions) {
    this.channel = channels.requests(options.prefix, options.target);
    this.logger = moduleLogger(options.logger, 'rpc-server');
  }

  method<S extends z.ZodType>(
    name: string,
    schema: S,
    handler: (params: z.infer<S>, context: RpcContext) => Promise<unknown> | unknown,
  ): this {
    this.methods.set(name, { schema, handler: handler as Method['handler'] });
    return this;
  }

  /** Subscribes to the target's request channel; resolves once requests can arrive. */
  start(): Promise<void> {
    this.starting ??= this.subscribe();
    return this.starting;
  }

  private async subscribe(): Promise<void> {
    this.options.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) void this.onRequest(message);
    });
    await whenReady(this.options.subscriber);
    await this.options.subscriber.subscribe(this.channel);
    this.logger.info('rpc server listening', { channel: this.channel, methods: [...this.methods.keys()] });
  }

  async close(): Promise<void> {
    await this.options.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  private async onRequest(message: string): Promise<void> {
    const request = decode<RpcRequest>(message);
    if (request === undefined || typeof request.id !== 'string' || typeof request.replyTo !== 'string') {
      this.logger.warn('dropped an rpc request without id or reply channel', { size: message.length });
      return;
    }

    if (typeof request.deadline === 'number' && Date.now() > request.deadline) {
      this.logger.debug('dropped an rpc request past its deadline', { method: request.method, from: request.from });
      return;
    }

    const reply = await this.run(request);
    await this.options.publisher.publish(request.replyTo, JSON.stringify(reply)).catch((error: Error) => {
      this.logger.warn('could not publish rpc reply', { method: request.method, from: request.from, error: error.message });
    });
  }

  private async run(request: RpcRequest): Promise<RpcReply> {
    const method = this.methods.get(request.method);
    if (method === undefined) {
      const error = new RpcError(RpcErrorCode.MethodNotFound, `unknown method ${String(request.method)}`);
      return { id: request.id, ok: false, error: error.toJSON() };
    }

    const parsed = method.schema.safeParse(request.params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.length ? issue.path.join('.') : 'params';
      const error = new RpcError(RpcErrorCode.InvalidParams, `invalid ${field} for ${request.method}: ${issue?.message}`);
      return { id: request.id, ok: false, error: error.toJSON() };
    }

    try {
      const context = { requestId: request.id, from: request.from, deadline: request.deadline };
      const result = await method.handler(parsed.data, context);
      return { id: request.id, ok: true, result: result ?? null };
    } catch (error) {
      return { id: request.id, ok: false, error: this.toRpcError(request, error).toJSON() };
    }
  }

  private toRpcError(request: RpcRequest, error: unknown): RpcError {
    if (error instanceof RpcError) return error;

    this.logger.error('rpc handler failed', {
      method: request.method,
      from: request.from,
      requestId: request.id,
      error: error instanceof Error ? error.stack : String(error),
    });
    const message = error instanceof Error ? error.message : String(error);
    return new RpcError(RpcErrorCode.Internal, `${request.method} failed: ${message}`);
  }
}
