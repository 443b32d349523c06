import { io, type Socket } from 'socket.io-client';

import type { Ack } from '@sfu-cluster/protocol';

import { waitFor } from './wait';

export interface Notification {
  event: string;
  data: Record<string, unknown>;
  at: number;
}

/**
 * A client of the signaling protocol over a real socket.io connection, for
 * tests: sends events with acknowledgements and keeps every notification.
 */
export class SignalingTestClient {
  readonly notifications: Notification[] = [];
  disconnectReason?: string;

  private constructor(readonly socket: Socket) {
    socket.onAny((event: string, data: Record<string, unknown>) => {
      this.notifications.push({ event, data, at: Date.now() });
    });
    socket.on('disconnect', (reason) => (this.disconnectReason = reason));
  }

  /** Connects with a token; rejects with the server's refusal (code in error.data). */
  static async connect(url: string, token: string): Promise<SignalingTestClient> {
    const socket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
    return new SignalingTestClient(socket);
  }

  /** Sends an event and resolves with its acknowledgement, or rejects after timeoutMs. */
  request<T = Record<string, unknown>>(event: string, payload: unknown = {}, timeoutMs = 10_000): Promise<Ack<T>> {
    return this.socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<Ack<T>>;
  }

  /** Like request, but rejects when the answer is an error. */
  async ok<T = Record<string, unknown>>(event: string, payload: unknown = {}): Promise<T> {
    const answer = await this.request<T>(event, payload);
    if (!answer.ok) throw new Error(`${event} failed: ${answer.error.code}: ${answer.error.message}`);
    return answer as unknown as T;
  }

  async waitForNotification(event: string, match: (data: Record<string, unknown>) => boolean = () => true, timeoutMs = 5000): Promise<Notification> {
    return waitFor(`${event} notification`, () => this.notifications.find((entry) => entry.event === event && match(entry.data)), timeoutMs, 10);
  }

  close(): void {
    this.socket.close();
  }
}
