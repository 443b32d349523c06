/** Codes every RPC caller may see, whatever the method. */
export const RpcErrorCode = {
  /** No reply came before the deadline. */
  Timeout: 'RPC_TIMEOUT',
  /** Nobody listens on the target's channel: the node is gone. */
  NodeUnreachable: 'NODE_UNREACHABLE',
  MethodNotFound: 'METHOD_NOT_FOUND',
  InvalidParams: 'INVALID_PARAMS',
  /** The handler failed in a way it did not name; the node logged it. */
  Internal: 'INTERNAL',
  /** The client was closed while the call waited. */
  Closed: 'RPC_CLOSED',
} as const;

/**
 * An error that crosses the wire: a stable code for programs and a sentence
 * for people. Handlers throw it with their own codes (ROUTER_NOT_FOUND,
 * NODE_DRAINING); callers branch on code, never on message.
 */
export class RpcError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'RpcError';
  }

  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}
