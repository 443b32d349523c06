import { io, type Socket } from 'socket.io-client';

import type { Ack } from '@sfu-cluster/protocol';

import { RequestError } from './errors';

/** How long a request waits for its acknowledgement. */
const REQUEST_TIMEOUT_MS = 10_000;
/** How long the first connection may take, retries included, before connect() gives up. */
const CONNECT_TIMEOUT_MS = 15_000;

/**
 * The socket.io connection to signaling: requests with acknowledgements and
 * notifications. socket.io reconnects by itself after a drop; the owner
 * listens for `connect` and resumes its session.
 */
export class SignalingChannel {
  readonly socket: Socket;

  constructor(url: string, token: string) {
    this.socket = io(url, {
      auth: { token },
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
    });
  }

  /**
   * Resolves on the first connection. Rejects with the server's reason when
   * the token is refused, or after CONNECT_TIMEOUT_MS when signaling stays
   * unreachable; either way the socket stops retrying.
   */
  async opened(): Promise<void> {
    if (this.socket.connected) return;

    await new Promise<void>((resolve, reject) => {
      const settle = (error?: RequestError): void => {
        clearTimeout(timer);
        this.socket.off('connect', onConnect);
        this.socket.off('connect_error', onError);
        if (!error) return resolve();

        this.socket.disconnect();
        reject(error);
      };
      const onConnect = (): void => settle();
      const onError = (error: Error & { data?: { code?: string; message?: string } }): void => {
        // A refused token will be refused again, so there is no point in retrying.
        if (error.data?.code !== undefined) settle(new RequestError('connect', error.data.code, error.data.message ?? error.message));
      };
      const timer = setTimeout(
        () => settle(new RequestError('connect', 'TIMEOUT', `could not reach signaling within ${CONNECT_TIMEOUT_MS} ms; check the signaling URL`)),
        CONNECT_TIMEOUT_MS,
      );

      this.socket.on('connect', onConnect);
      this.socket.on('connect_error', onError);
    });
  }

  /** Sends one event and returns the acknowledged result; throws RequestError on `{ ok: false }` or a timeout. */
  async request<T = Record<string, unknown>>(event: string, payload: object = {}): Promise<T> {
    let answer: Ack<T>;
    try {
      answer = (await this.socket.timeout(REQUEST_TIMEOUT_MS).emitWithAck(event, payload)) as Ack<T>;
    } catch {
      throw new RequestError(event, 'TIMEOUT', `timed out after ${REQUEST_TIMEOUT_MS} ms waiting for the acknowledgement`);
    }

    if (!answer.ok) throw new RequestError(event, answer.error.code, answer.error.message);
    return answer;
  }

  close(): void {
    this.socket.disconnect();
  }
}
