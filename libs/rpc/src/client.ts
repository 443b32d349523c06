import { randomUUID } from 'node:crypto';

import { moduleLogger, type Logger } from '@sfu-cluster/logger';
import { whenReady, type Redis } from '@sfu-cluster/registry';

import { channels, decode, type RpcReply, type RpcRequest } from './envelope';
import { RpcError, RpcErrorCode } from './errors';

export interface RpcClientOptions {
  /** Redis connection for PUBLISH; shared with other users. */
  publisher: Redis;
  /** Redis connection this client puts in subscriber mode; not shared. */
  subscriber: Redis;
  prefix: string;
  /** Names this client in the target's logs (a node id). */
  clientId: string;
  /** Deadline of a call that sets none. */
  defaultTimeoutMs?: number;
  logger: Logger;
}

interface Pending {
  method: string;
  target: string;
  startedAt: number;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Calls methods on named targets over Redis. Every call carries an id and a
 * deadline and ends by then: with the reply, with NODE_UNREACHABLE when no
 * one listens on the target's channel, or with RPC_TIMEOUT.
 */
export class RpcClient {
  private readonly pending = new Map<string, Pending>();
  private readonly replyChannel: string;
  private readonly logger: Logger;
  private starting?: Promise<void>;
  private closed = false;

  constructor(private readonly options: RpcClientOptions) {
    this.replyChannel = channels.replies(options.prefix, `${options.clientId}:${randomUUID()}`);
    this.logger = moduleLogger(options.logger, 'rpc-client');
  }

  /**
   * Subscribes to this client's reply channel. Every caller, call() included,
   * waits for the subscription itself: a request sent before it is active
   * would get its reply before anyone listens for it.
   */
  start(): Promise<void> {
    this.starting ??= this.subscribe();
    return this.starting;
  }

  private async subscribe(): Promise<void> {
    this.options.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.replyChannel) this.onReply(message);
    });
    await whenReady(this.options.subscriber);
    await this.options.subscriber.subscribe(this.replyChannel);
  }

  async call<T = unknown>(target: string, method: string, params: unknown, timeoutMs?: number): Promise<T> {
    if (this.closed) throw new RpcError(RpcErrorCode.Closed, `rpc client is closed; ${method} to ${target} not sent`);
    await this.start();

    const timeout = timeoutMs ?? this.options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const request: RpcRequest = {
      id: randomUUID(),
      method,
      params,
      replyTo: this.replyChannel,
      deadline: Date.now() + timeout,
      from: this.options.clientId,
    };
    const result = this.waitForReply<T>(request, target, timeout);

    const receivers = await this.publish(target, request);
    if (receivers === 0) {
      this.settle(request.id)?.reject(
        new RpcError(RpcErrorCode.NodeUnreachable, `${target} is not listening for requests; it may have stopped`, {
          target,
          method,
        }),
      );
    }
    return result;
  }

  /** Fails every waiting call with RPC_CLOSED and unsubscribes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;

    for (const [id, pending] of this.pending) {
      this.settle(id);
      pending.reject(new RpcError(RpcErrorCode.Closed, `rpc client closed while ${pending.method} to ${pending.target} waited`));
    }
    await this.options.subscriber.unsubscribe(this.replyChannel).catch(() => undefined);
  }

  private waitForReply<T>(request: RpcRequest, target: string, timeout: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(request.id);
        reject(
          new RpcError(
            RpcErrorCode.Timeout,
            `no reply to ${request.method} from ${target} within ${timeout} ms`,
            { target, method: request.method, timeoutMs: timeout },
          ),
        );
      }, timeout);

      this.pending.set(request.id, {
        method: request.method,
        target,
        startedAt: Date.now(),
        resolve: resolve as (result: unknown) => void,
        reject,
        timer,
      });
    });
  }

  private async publish(target: string, request: RpcRequest): Promise<number> {
    try {
      return await this.options.publisher.publish(channels.requests(this.options.prefix, target), JSON.stringify(request));
    } catch (error) {
      // Redis is away: the call waits out its deadline, as a lost reply would.
      this.logger.warn('could not publish rpc request; it will time out', {
        target,
        method: request.method,
        error: (error as Error).message,
      });
      return -1;
    }
  }

  private onReply(message: string): void {
    const reply = decode<RpcReply>(message);
    if (reply === undefined || typeof reply.id !== 'string') {
      this.logger.warn('dropped a reply that is not valid JSON', { channel: this.replyChannel });
      return;
    }

    const pending = this.settle(reply.id);
    // A reply after the deadline finds nothing waiting; the caller already has its timeout.
    if (pending === undefined) return;

    if (reply.ok) {
      pending.resolve(reply.result);
    } else {
      pending.reject(new RpcError(reply.error.code, reply.error.message, reply.error.details));
    }
  }

  private settle(id: string): Pending | undefined {
    const pending = this.pending.get(id);
    if (pending === undefined) return undefined;

    clearTimeout(pending.timer);
    this.pending.delete(id);
    return pending;
  }
}
