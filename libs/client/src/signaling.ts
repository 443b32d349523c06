import { io, type Socket } from 'socket.io-client';

import type { Ack } from '@sfu-cluster/protocol';

import { RequestError } from './errors';

/** How long a request waits for its acknowledgement. */
const REQUEST_TIMEOUT_MS = 10_000;

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

  /** Resolves on the first connection; rejects with the server's reason when the token is refused. */
  async opened(): Promise<void> {
    if (this.socket.connected) return;

    await new Promise<void>((resolve, reject) => {
      const onConnect = (): void => {
        this.socket.off('connect_error', onError);
        resolve();
      };
      const onError = (error: Error & { data?: { code?: string; message?: string } }): void => {
        // A refused token will be refused again, so stop retrying.
        if (error.data?.code !== undefined) {
          this.socket.off('connect', onConnect);
          this.socket.off('connect_error', onError);
          this.socket.disconnect();
          reject(new RequestError('connect', error.data.code, error.data.message ?? error.message));
        }
      };
      this.socket.once('connect', onConnect);
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
