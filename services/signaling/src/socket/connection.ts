import type { Server, Socket } from 'socket.io';

import type { SignalingConfig } from '@sfu-cluster/config';
import { moduleLogger, type Logger } from '@sfu-cluster/logger';
import {
  clientEvents,
  clientSchemas,
  ErrorCode,
  notifications,
  type Ack,
  type ClientEvent,
  type TokenClaims,
} from '@sfu-cluster/protocol';
import type { Registry } from '@sfu-cluster/registry';

import { bearerToken, type TokenVerifier } from '../auth';
import { socketRooms } from '../channels';
import { ClientError, toErrorBody } from '../errors';
import type { JoinedPeer, RoomService } from '../room-service';
import type { SignalingMetrics } from '../metrics';
import { KeyFrameThrottle } from './keyframe-throttle';
import { RateLimiter } from './rate-limiter';

interface SocketData {
  claims: TokenClaims;
  peer?: JoinedPeer;
  limiter: RateLimiter;
  keyFrames: KeyFrameThrottle;
}

type Handler = (socket: Socket, payload: never) => Promise<Record<string, unknown> | void>;

/** How often a connected socket renews its session, well inside the session TTL. */
const SESSION_TOUCH_MS = 20_000;

/**
 * Accepts client sockets: checks the token on connect, then runs each event
 * through the rate limit, the payload schema and its handler, and responds
 * through the acknowledgement. Nothing a client sends reaches another
 * client or crashes the node.
 */
export class ConnectionHandler {
  private readonly logger: Logger;
  private readonly handlers: Record<ClientEvent, Handler>;

  constructor(
    private readonly config: SignalingConfig,
    private readonly verifier: TokenVerifier,
    private readonly rooms: RoomService,
    private readonly registry: Registry,
    logger: Logger,
    private readonly metrics?: SignalingMetrics,
  ) {
    this.logger = moduleLogger(logger, 'sockets');
    this.handlers = this.createHandlers();
  }

  attach(io: Server): void {
    io.use((socket, next) => {
      this.authenticate(socket)
        .then(() => next())
        .catch((error: unknown) => {
          const { body } = toErrorBody(error);
          const refusal = new Error(body.message) as Error & { data: unknown };
          refusal.data = body;
          next(refusal);
        });
    });
    io.on('connection', (socket) => this.onConnection(socket));
  }

  private async authenticate(socket: Socket): Promise<void> {
    const auth = socket.handshake.auth as { token?: unknown };
    const token = typeof auth.token === 'string' ? auth.token : bearerToken(socket.handshake.headers.authorization);
    if (token === undefined) throw new ClientError(ErrorCode.Unauthorized, 'no token; connect with auth: { token }');

    const claims = await this.verifier.verify(token);
    const data: SocketData = {
      claims,
      limiter: new RateLimiter(this.config.limits.eventsPerSecond),
      keyFrames: new KeyFrameThrottle(this.config.limits.keyFrameRequestIntervalMs),
    };
    socket.data = data;
  }

  private onConnection(socket: Socket): void {
    const data = socket.data as SocketData;
    this.logger.debug('socket connected', { socketId: socket.id, identity: data.claims.identity, room: data.claims.room });

    for (const event of clientEvents) {
      socket.on(event, (payload: unknown, ack: unknown) => void this.dispatch(socket, event, payload, ack));
    }
    socket.onAny((event: string, ...args: unknown[]) => {
      if ((clientEvents as readonly string[]).includes(event)) return;
      void this.dispatch(socket, event, args[0], args[args.length - 1]);
    });

    const touch = setInterval(() => {
      if (data.peer) void this.registry.sessions.touch(data.peer.sessionId).catch(() => undefined);
    }, SESSION_TOUCH_MS);
    socket.on('disconnect', (reason) => {
      clearInterval(touch);
      this.onDisconnect(socket, reason);
    });
  }

  private async dispatch(socket: Socket, event: string, payload: unknown, ack: unknown): Promise<void> {
    const data = socket.data as SocketData;
    const reply = typeof ack === 'function' ? (ack as (answer: Ack) => void) : () => undefined;

    if (!data.limiter.take()) {
      this.logger.warn('socket over its event rate', { socketId: socket.id, event, identity: data.claims.identity });
      if (this.config.limits.rateLimitAction === 'disconnect') {
        socket.disconnect(true);
        return;
      }
      reply({ ok: false, error: { code: ErrorCode.RateLimited, message: `more than ${this.config.limits.eventsPerSecond} events per second; slow down` } });
      return;
    }

    if (!(clientEvents as readonly string[]).includes(event)) {
      reply({ ok: false, error: { code: ErrorCode.InvalidPayload, message: `unknown event ${event.slice(0, 64)}` } });
      return;
    }

    // No payload at all reads as {} (join and leave need none); null or a number is malformed.
    const parsed = clientSchemas[event as ClientEvent].safeParse(payload === undefined ? {} : payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.length ? issue.path.join('.') : 'payload';
      reply({ ok: false, error: { code: ErrorCode.InvalidPayload, message: `invalid ${field} for ${event}: ${issue?.message}` } });
      return;
    }

    const timer = this.metrics?.eventSeconds.startTimer({ event });
    try {
      const result = await this.handlers[event as ClientEvent](socket, parsed.data as never);
      reply({ ok: true, ...(result ?? {}) });
      this.count(event, 'ok');
    } catch (error) {
      const { body, unexpected } = toErrorBody(error);
      this.count(event, body.code);
      const fields = { event, socketId: socket.id, roomId: data.peer?.roomId, peerId: data.peer?.peerId, code: body.code, error: (error as Error).message };
      if (unexpected) this.logger.error('event failed', fields);
      else this.logger.debug('event rejected', fields);
      reply({ ok: false, error: body });
    } finally {
      timer?.();
    }
  }

  private count(event: string, outcome: string): void {
    this.metrics?.events.inc({ event, outcome });
    if (event === 'join') this.metrics?.joins.inc({ outcome });
  }

  private createHandlers(): Record<ClientEvent, Handler> {
    const joined = (socket: Socket): JoinedPeer => {
      const peer = (socket.data as SocketData).peer;
      if (!peer) throw new ClientError(ErrorCode.NotJoined, 'join the room first');
      return peer;
    };
    const claims = (socket: Socket): TokenClaims => (socket.data as SocketData).claims;

    return {
      join: async (socket, payload: Parameters<RoomService['join']>[1]) => {
        if ((socket.data as SocketData).peer) throw new ClientError(ErrorCode.InvalidState, 'already joined; leave first');
        const { peer, answer } = await this.rooms.join(claims(socket), payload);
        this.bind(socket, peer);
        return answer;
      },
      resume: async (socket, payload: { sessionId: string }) => {
        const { peer, answer } = await this.rooms.resume(claims(socket), payload.sessionId);
        this.bind(socket, peer);
        return answer;
      },
      createTransport: async (socket, payload: Parameters<RoomService['createTransport']>[2]) => {
        const peer = joined(socket);
        const transport = await this.rooms.createTransport(claims(socket), peer, payload);
        if (payload.direction === 'recv') {
          // After the ack, so the client has its receive transport before the first consumer.
          setImmediate(() => void this.sendExistingConsumers(socket, peer));
        }
        return transport;
      },
      connectTransport: async (socket, payload: Parameters<RoomService['connectTransport']>[1]) => {
        await this.rooms.connectTransport(joined(socket), payload);
      },
      restartIce: (socket, payload: Parameters<RoomService['restartIce']>[1]) => this.rooms.restartIce(joined(socket), payload),
      produce: (socket, payload: Parameters<RoomService['produce']>[2]) => this.rooms.produce(claims(socket), joined(socket), payload),
      closeProducer: async (socket, payload: { producerId: string }) => {
        await this.rooms.closeProducer(joined(socket), payload.producerId);
      },
      pauseProducer: async (socket, payload: { producerId: string }) => {
        await this.rooms.setProducerPaused(joined(socket), payload.producerId, true);
      },
      resumeProducer: async (socket, payload: { producerId: string }) => {
        await this.rooms.setProducerPaused(joined(socket), payload.producerId, false);
      },
      consume: async (socket, payload: { producerId: string }) => {
        if (!claims(socket).grants.subscribe) throw new ClientError(ErrorCode.Forbidden, 'this token has no subscribe grant');
        return { ...(await this.rooms.consume(joined(socket), payload.producerId)) };
      },
      resumeConsumer: async (socket, payload: { consumerId: string }) => {
        await this.rooms.consumerAction(joined(socket), 'consumer.resume', payload);
      },
      pauseConsumer: async (socket, payload: { consumerId: string }) => {
        await this.rooms.consumerAction(joined(socket), 'consumer.pause', payload);
      },
      setPreferredLayers: async (socket, payload: Record<string, unknown>) => {
        await this.rooms.consumerAction(joined(socket), 'consumer.setPreferredLayers', payload);
      },
      requestKeyFrame: async (socket, payload: { consumerId: string }) => {
        const peer = joined(socket);
        const interval = this.config.limits.keyFrameRequestIntervalMs;
        if (!(socket.data as SocketData).keyFrames.allow(payload.consumerId)) {
          throw new ClientError(ErrorCode.RateLimited, `one keyframe request per consumer every ${interval} ms; the last one is still being served`);
        }
        await this.rooms.consumerAction(peer, 'consumer.requestKeyFrame', payload);
      },
      completeMigration: async (socket) => {
        const data = socket.data as SocketData;
        data.peer = await this.rooms.completeMigration(joined(socket));
      },
      leave: async (socket) => {
        const peer = joined(socket);
        (socket.data as SocketData).peer = undefined;
        this.unbind(socket, peer);
        await this.rooms.leave(peer, 'left');
      },
    };
  }

  /**
   * Places again the peers of a lost node or worker whose sockets are on
   * this node, and sends each client reconnectMedia to rebuild on the new node.
   */
  async onMediaLost(io: Server, peers: { roomId: string; peerId: string }[], lostNodeId: string, reason: string): Promise<void> {
    for (const { roomId, peerId } of peers) {
      const sockets = await io.local.in(socketRooms.peer(roomId, peerId)).fetchSockets();
      this.logger.debug('media lost for a peer', { roomId, peerId, lostNodeId, reason, localSockets: sockets.length });
      for (const socket of sockets) {
        const data = socket.data as SocketData;
        if (!data.peer || data.peer.peerId !== peerId) continue;

        try {
          const { peer, answer } = await this.rooms.replace(data.claims, data.peer, lostNodeId);
          data.peer = peer;
          socket.emit(notifications.reconnectMedia, { reason, ...answer });
        } catch (error) {
          const { body } = toErrorBody(error);
          this.logger.error('could not place a peer again after its media was lost; the client must join again', {
            roomId,
            peerId,
            lostNodeId,
            error: body.message,
          });
          socket.emit(notifications.reconnectMedia, { reason, error: body });
        }
      }
    }
  }

  /**
   * Migrates this node's sockets of a room off a node (drain) or onto the
   * room's new node (move): each client gets reconnectMedia with migrate:
   * true and builds its new media before it drops the old.
   */
  async onRoomMove(io: Server, roomId: string, fromNodeId: string | undefined, reason: string): Promise<void> {
    for (const socket of await io.local.in(socketRooms.room(roomId)).fetchSockets()) {
      const data = socket.data as SocketData;
      if (!data.peer || data.peer.roomId !== roomId) continue;
      if (fromNodeId !== undefined && data.peer.nodeId !== fromNodeId) continue;

      try {
        const result = await this.rooms.migrate(data.claims, data.peer);
        if (!result) continue;
        data.peer = result.peer;
        socket.emit(notifications.reconnectMedia, { reason, ...result.answer });
      } catch (error) {
        this.logger.warn('could not migrate a peer; it stays where it is', { roomId, peerId: data.peer.peerId, error: toErrorBody(error).body.message });
      }
    }
  }

  /** Tells this node's sockets of a closed room, and detaches them from it. */
  async onRoomClosed(io: Server, roomId: string, reason: string): Promise<void> {
    for (const socket of await io.local.in(socketRooms.room(roomId)).fetchSockets()) {
      const data = socket.data as SocketData;
      socket.emit(notifications.roomClosed, { roomId, reason });
      if (data.peer?.roomId === roomId) {
        socket.leave(socketRooms.peer(roomId, data.peer.peerId));
        data.peer = undefined;
      }
      socket.leave(socketRooms.room(roomId));
    }
  }

  private bind(socket: Socket, peer: JoinedPeer): void {
    (socket.data as SocketData).peer = peer;
    void socket.join([socketRooms.room(peer.roomId), socketRooms.peer(peer.roomId, peer.peerId)]);
  }

  private unbind(socket: Socket, peer: JoinedPeer): void {
    void socket.leave(socketRooms.room(peer.roomId));
    void socket.leave(socketRooms.peer(peer.roomId, peer.peerId));
  }

  private async sendExistingConsumers(socket: Socket, peer: JoinedPeer): Promise<void> {
    const consumers = await this.rooms.consumeExisting(peer);
    const owners = new Map((await this.registry.participants.producers(peer.roomId)).map((p) => [p.producerId, p.peerId]));
    for (const consumer of consumers) {
      socket.emit('newConsumer', { ...consumer, peerId: owners.get(consumer.producerId) });
    }
  }

  /**
   * Keeps a dropped socket's peer media for the resume grace, because the
   * client may reconnect to any signaling node and resume. If its session
   * was not touched since the drop, the peer leaves.
   */
  private onDisconnect(socket: Socket, reason: string): void {
    const peer = (socket.data as SocketData).peer;
    if (!peer) return;

    const droppedAt = Date.now();
    this.logger.info('socket dropped; waiting for the client to resume', {
      roomId: peer.roomId,
      peerId: peer.peerId,
      reason,
      graceSeconds: this.config.resumeGraceSeconds,
    });

    setTimeout(() => {
      void (async () => {
        const session = await this.registry.sessions.get(peer.sessionId);
        if (session && session.lastSeenAt > droppedAt) return;
        await this.rooms.leave(peer, 'disconnected');
      })().catch((error: Error) => {
        this.logger.warn('could not remove a peer that did not resume; reconciliation will', {
          roomId: peer.roomId,
          peerId: peer.peerId,
          error: error.message,
        });
      });
    }, this.config.resumeGraceSeconds * 1000).unref();
  }
}
