import type { RpcError } from './errors';

/** Request a caller publishes on the target's channel. */
export interface RpcRequest {
  id: string;
  method: string;
  params: unknown;
  /** Channel the reply goes to; one per client. */
  replyTo: string;
  /** Epoch milliseconds after which the caller no longer waits for the reply. */
  deadline: number;
  /** Caller id, for the target's logs. */
  from: string;
}

export type RpcReply =
  | { id: string; ok: true; result: unknown }
  | { id: string; ok: false; error: ReturnType<RpcError['toJSON']> };

/** Channel names; the prefix keeps clusters that share a Redis apart. */
export const channels = {
  /** Requests to one target (an SFU node id). */
  requests: (prefix: string, target: string): string => `${prefix}rpc:req:${target}`,
  /** Replies to one client. */
  replies: (prefix: string, clientId: string): string => `${prefix}rpc:rep:${clientId}`,
  /** Events SFU nodes publish for signaling and lifecycle (worker lost, drain progress). */
  nodeEvents: (prefix: string): string => `${prefix}events:nodes`,
};

/** Parses a message from the wire; undefined when it is not JSON. */
export function decode<T>(message: string): T | undefined {
  try {
    return JSON.parse(message) as T;
  } catch {
    return undefined;
  }
}
