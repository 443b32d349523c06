import { ErrorCode, TokenError, type ErrorBody } from '@sfu-cluster/protocol';
import { RpcError, RpcErrorCode } from '@sfu-cluster/rpc';

/** An error a client caused or can act on, with its stable code. */
export class ClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

/**
 * Turns any failure into the body a client receives. Errors with a code
 * keep it; an SFU node that is gone or slow becomes SERVICE_UNAVAILABLE;
 * anything else is INTERNAL, and the caller logs it.
 */
export function toErrorBody(error: unknown): { body: ErrorBody; unexpected: boolean } {
  if (error instanceof ClientError) return { body: { code: error.code, message: error.message }, unexpected: false };
  if (error instanceof TokenError) return { body: { code: ErrorCode.Unauthorized, message: error.message }, unexpected: false };

  if (error instanceof RpcError) {
    const lost = error.code === RpcErrorCode.Timeout || error.code === RpcErrorCode.NodeUnreachable;
    if (lost) return { body: { code: ErrorCode.Unavailable, message: `media server did not answer: ${error.message}; retry` }, unexpected: true };
    if (error.code === RpcErrorCode.InvalidParams) return { body: { code: ErrorCode.InvalidPayload, message: error.message }, unexpected: false };
    if (error.code === RpcErrorCode.Internal) return { body: { code: ErrorCode.Internal, message: error.message }, unexpected: true };
    return { body: { code: error.code, message: error.message }, unexpected: false };
  }

  const message = error instanceof Error ? error.message : String(error);
  return { body: { code: ErrorCode.Internal, message: `server error: ${message}` }, unexpected: true };
}
