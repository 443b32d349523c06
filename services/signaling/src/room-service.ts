import { randomUUID } from 'node:crypto';

import type { SignalingConfig } from '@sfu-cluster/config';
import { moduleLogger, type Logger } from '@sfu-cluster/logger';
import { defaultTrackSource, ErrorCode, notifications, type ClientPayload, type TokenClaims, type TrackSource } from '@sfu-cluster/protocol';
import type { Registry, SessionRecord } from '@sfu-cluster/registry';
import type { RpcClient } from '@sfu-cluster/rpc';
import type { Queue } from 'bullmq';

import { cancelEmptyRoomClose, scheduleEmptyRoomClose, scheduleRoomEnd } from '@sfu-cluster/jobs';

import { ClientError } from './errors';
import { iceServersFor } from './turn-credentials';
import type { WebhookReporter } from './webhook-reporter';
import type { Notifier } from './notifier';

/** The peer a socket acts for, once joined or resumed. */
export interface JoinedPeer {
  sessionId: string;
  roomId: string;
  peerId: string;
  nodeId: string;
  epoch: number;
  /** While the peer migrates: the node its old media is still on, closed by completeMigration. */
  previousNodeId?: string;
}

interface ConsumerInfo {
  consumerId: string;
  producerId: string;
  kind: string;
  rtpParameters: unknown;
  type: string;
  producerPaused: boolean;
}

/**
 * Signaling's work for a client: placing it, requesting media objects from
 * SFU nodes, keeping the room's participants and producers in the registry,
 * and notifying the other participants. It keeps no state of its own, so
 * any signaling node can serve any client.
 */
export class RoomService {
  private readonly logger: Logger;

  constructor(
    private readonly config: SignalingConfig,
    private readonly registry: Registry,
    private readonly rpc: RpcClient,
    private readonly notifier: Notifier,
    private readonly roomQueue: Queue,
    private readonly webhooks: WebhookReporter,
    logger: Logger,
  ) {
    this.logger = moduleLogger(logger, 'rooms');
  }

  async join(claims: TokenClaims, payload: ClientPayload<'join'>): Promise<{ peer: JoinedPeer; answer: Record<string, unknown> }> {
    const roomId = this.roomOf(claims, payload.roomId);
    const peerId = randomUUID();
    const sessionId = randomUUID();

    // Add first, then count: of joins racing for the last seat none gets in over the limit.
    const participants = await this.registry.participants.add(roomId, {
      peerId,
      identity: claims.identity,
      displayName: payload.displayName,
      joinedAt: Date.now(),
      sessionId,
    });
    if (participants > this.config.limits.maxPeersPerRoom) {
      await this.registry.participants.remove(roomId, peerId);
      throw new ClientError(ErrorCode.LimitExceeded, `room ${roomId} is full (ROOM_MAX_PEERS=${this.config.limits.maxPeersPerRoom})`);
    }
    await this.onRoomOccupied(roomId, participants);

    let placed: JoinedPeer;
    let rtpCapabilities: unknown;
    try {
      ({ placed, rtpCapabilities } = await this.placeAndJoin(roomId, peerId, sessionId, claims, participants));
    } catch (error) {
      await this.registry.participants.remove(roomId, peerId);
      throw error;
    }

    await this.registry.sessions.save({
      sessionId,
      roomId,
      peerId,
      identity: claims.identity,
      nodeId: placed.nodeId,
      epoch: placed.epoch,
      grants: claims.grants,
      createdAt: Date.now(),
      lastSeenAt: Date.now(),
    });
    this.notifier.toRoom(roomId, notifications.peerJoined, { peerId, identity: claims.identity, displayName: payload.displayName }, peerId);
    if (participants === 1) this.webhooks.report({ type: 'room_started', roomId });
    this.webhooks.report({ type: 'participant_joined', roomId, participantId: peerId, data: { identity: claims.identity } });
    this.logger.info('peer joined', { roomId, peerId, nodeId: placed.nodeId, identity: claims.identity });

    return { peer: placed, answer: { peerId, sessionId, nodeId: placed.nodeId, routerRtpCapabilities: rtpCapabilities, ...(await this.roomState(roomId, peerId, claims.identity)) } };
  }

  /** Picks up a session after the client's socket moved to this node; its media is untouched. */
  async resume(claims: TokenClaims, sessionId: string): Promise<{ peer: JoinedPeer; answer: Record<string, unknown> }> {
    const session = await this.registry.sessions.touch(sessionId);
    if (!session) throw new ClientError(ErrorCode.NotJoined, `session ${sessionId} is unknown or expired; join again`);
    if (session.identity !== claims.identity || session.roomId !== this.roomOf(claims, session.roomId)) {
      throw new ClientError(ErrorCode.Forbidden, 'this token does not own that session');
    }

    const peer = this.peerOf(session);
    this.logger.info('peer resumed', { roomId: peer.roomId, peerId: peer.peerId, nodeId: peer.nodeId });
    return { peer, answer: { peerId: peer.peerId, sessionId, nodeId: peer.nodeId, ...(await this.roomState(peer.roomId, peer.peerId, claims.identity)) } };
  }

  async createTransport(claims: TokenClaims, peer: JoinedPeer, payload: ClientPayload<'createTransport'>): Promise<Record<string, unknown>> {
    if (payload.direction === 'send' && !claims.grants.publish) throw forbidden('publish');
    if (payload.direction === 'recv' && !claims.grants.subscribe) throw forbidden('subscribe');
    if (payload.direction === 'recv' && payload.rtpCapabilities === undefined) {
      throw new ClientError(ErrorCode.InvalidPayload, 'a receive transport needs rtpCapabilities (the device capabilities)');
    }

    return this.call(peer, 'transport.createWebRtc', {
      direction: payload.direction,
      rtpCapabilities: payload.rtpCapabilities,
    });
  }

  /** Makes paused consumers of every producer already in the room, after a receive transport exists. */
  async consumeExisting(peer: JoinedPeer): Promise<(ConsumerInfo & { nodeId: string; source: TrackSource })[]> {
    const producers = (await this.registry.participants.producers(peer.roomId)).filter((producer) => producer.peerId !== peer.peerId);
    const consumers: (ConsumerInfo & { nodeId: string; source: TrackSource })[] = [];

    for (const producer of producers.slice(0, this.config.limits.maxConsumersPerPeer)) {
      try {
        consumers.push(await this.consume(peer, producer.producerId));
      } catch (error) {
        this.logger.warn('could not consume an existing producer; the client can ask again with consume', {
          roomId: peer.roomId,
          peerId: peer.peerId,
          producerId: producer.producerId,
          error: (error as Error).message,
        });
      }
    }
    return consumers;
  }

  async connectTransport(peer: JoinedPeer, payload: ClientPayload<'connectTransport'>): Promise<void> {
    await this.call(peer, 'transport.connectWebRtc', payload);
  }

  async restartIce(peer: JoinedPeer, payload: ClientPayload<'restartIce'>): Promise<Record<string, unknown>> {
    return this.call(peer, 'transport.restartIce', payload);
  }

  async produce(claims: TokenClaims, peer: JoinedPeer, payload: ClientPayload<'produce'>): Promise<{ producerId: string }> {
    if (!claims.grants.publish) throw forbidden('publish');
    const own = (await this.registry.participants.producers(peer.roomId)).filter((producer) => producer.peerId === peer.peerId);
    if (own.length >= this.config.limits.maxProducersPerPeer) {
      throw new ClientError(ErrorCode.LimitExceeded, `a peer may have ${this.config.limits.maxProducersPerPeer} producers (PEER_MAX_PRODUCERS)`);
    }

    const source = payload.source ?? defaultTrackSource(payload.kind);
    const { producerId } = await this.call<{ producerId: string }>(peer, 'producer.create', {
      transportId: payload.transportId,
      kind: payload.kind,
      rtpParameters: payload.rtpParameters,
      appData: { ...payload.appData, source },
    });
    await this.registry.participants.addProducer(peer.roomId, {
      producerId,
      peerId: peer.peerId,
      nodeId: peer.nodeId,
      kind: payload.kind,
      source,
      paused: false,
    });

    this.notifier.toRoom(peer.roomId, notifications.newProducer, { producerId, peerId: peer.peerId, kind: payload.kind, source }, peer.peerId);
    this.webhooks.report({ type: 'track_published', roomId: peer.roomId, participantId: peer.peerId, trackId: producerId, data: { kind: payload.kind, source } });
    void this.fanOut(peer, producerId, source);
    this.logger.info('producer created', { roomId: peer.roomId, peerId: peer.peerId, producerId, kind: payload.kind, source });
    return { producerId };
  }

  async closeProducer(peer: JoinedPeer, producerId: string): Promise<void> {
    await this.ownProducer(peer, producerId);
    await this.call(peer, 'producer.close', { producerId });
    await this.registry.participants.removeProducer(peer.roomId, producerId);
    this.notifier.toRoom(peer.roomId, notifications.producerClosed, { producerId, peerId: peer.peerId }, peer.peerId);
    this.webhooks.report({ type: 'track_unpublished', roomId: peer.roomId, participantId: peer.peerId, trackId: producerId });
  }

  async setProducerPaused(peer: JoinedPeer, producerId: string, paused: boolean): Promise<void> {
    await this.ownProducer(peer, producerId);
    await this.call(peer, paused ? 'producer.pause' : 'producer.resume', { producerId });
  }

  async consume(peer: JoinedPeer, producerId: string): Promise<ConsumerInfo & { nodeId: string; source: TrackSource }> {
    const producer = await this.registry.participants.producer(peer.roomId, producerId);
    if (!producer) throw new ClientError(ErrorCode.ProducerNotFound, `producer ${producerId} is not in this room`);

    const consumer = await this.call<ConsumerInfo>(peer, 'consumer.create', {
      producerId,
      producerNodeId: producer.nodeId,
      paused: true,
    });
    return { ...consumer, nodeId: peer.nodeId, source: producer.source ?? defaultTrackSource(producer.kind) };
  }

  async consumerAction(peer: JoinedPeer, method: string, params: Record<string, unknown>): Promise<void> {
    await this.call(peer, method, params);
  }

  /**
   * Places a peer again after its media node or worker was lost: its old
   * producers leave the room, it gets a new node, and the client rebuilds
   * its transports there (the reconnectMedia notification carries what it
   * needs). The peer keeps its id and session.
   */
  async replace(claims: TokenClaims, peer: JoinedPeer, lostNodeId: string): Promise<{ peer: JoinedPeer; answer: Record<string, unknown> }> {
    const stale = (await this.registry.participants.producers(peer.roomId)).filter(
      (producer) => producer.peerId === peer.peerId && producer.nodeId === lostNodeId,
    );
    for (const producer of stale) {
      await this.registry.participants.removeProducer(peer.roomId, producer.producerId);
      this.notifier.toRoom(peer.roomId, notifications.producerClosed, { producerId: producer.producerId, peerId: peer.peerId });
      this.webhooks.report({ type: 'track_unpublished', roomId: peer.roomId, participantId: peer.peerId, trackId: producer.producerId });
    }
    await this.registry.rooms.removePeer(peer.roomId, peer.peerId);

    const participants = await this.registry.participants.count(peer.roomId);
    const { placed, rtpCapabilities } = await this.placeAndJoin(peer.roomId, peer.peerId, randomUUID(), claims, participants);
    const moved: JoinedPeer = { ...placed, sessionId: peer.sessionId };

    const session = await this.registry.sessions.get(peer.sessionId);
    if (session) await this.registry.sessions.save({ ...session, nodeId: moved.nodeId, epoch: moved.epoch, lastSeenAt: Date.now() });
    this.logger.info('peer placed again after losing its media node', {
      roomId: peer.roomId,
      peerId: peer.peerId,
      lostNodeId,
      nodeId: moved.nodeId,
    });
    return { peer: moved, answer: { nodeId: moved.nodeId, routerRtpCapabilities: rtpCapabilities, ...(await this.roomState(peer.roomId, peer.peerId, claims.identity)) } };
  }

  /**
   * Moves a live peer to another node, make-before-break. The peer is placed
   * again (a drained node is skipped, a moved room's new node preferred) and
   * joins there. Its media on the old node keeps flowing until the client,
   * receiving on the new node, sends completeMigration.
   */
  async migrate(claims: TokenClaims, peer: JoinedPeer): Promise<{ peer: JoinedPeer; answer: Record<string, unknown> } | undefined> {
    if (peer.previousNodeId !== undefined) return undefined;

    const participants = await this.registry.participants.count(peer.roomId);
    const { placed, rtpCapabilities } = await this.placeAndJoin(peer.roomId, peer.peerId, randomUUID(), claims, participants);
    if (placed.nodeId === peer.nodeId) return undefined;

    const moved: JoinedPeer = { ...placed, sessionId: peer.sessionId, previousNodeId: peer.nodeId };
    const session = await this.registry.sessions.get(peer.sessionId);
    if (session) await this.registry.sessions.save({ ...session, nodeId: moved.nodeId, epoch: moved.epoch, lastSeenAt: Date.now() });
    this.logger.info('peer migrating', { roomId: peer.roomId, peerId: peer.peerId, fromNodeId: peer.nodeId, nodeId: moved.nodeId });
    return { peer: moved, answer: { nodeId: moved.nodeId, routerRtpCapabilities: rtpCapabilities, migrate: true, ...(await this.roomState(peer.roomId, peer.peerId, claims.identity)) } };
  }

  /** Ends a migration: the peer's media on its old node closes and its old producers leave the room. */
  async completeMigration(peer: JoinedPeer): Promise<JoinedPeer> {
    if (peer.previousNodeId === undefined) throw new ClientError(ErrorCode.InvalidState, 'no migration in progress');
    const previous = peer.previousNodeId;

    await this.rpc.call(previous, 'peer.close', { roomId: peer.roomId, peerId: peer.peerId }, this.config.rpcTimeoutMs).catch((error: Error) => {
      this.logger.warn('could not close the old media of a migrated peer; reconciliation will', { roomId: peer.roomId, peerId: peer.peerId, nodeId: previous, error: error.message });
    });
    const old = (await this.registry.participants.producers(peer.roomId)).filter((producer) => producer.peerId === peer.peerId && producer.nodeId === previous);
    for (const producer of old) {
      await this.registry.participants.removeProducer(peer.roomId, producer.producerId);
      this.notifier.toRoom(peer.roomId, notifications.producerClosed, { producerId: producer.producerId, peerId: peer.peerId }, peer.peerId);
      this.webhooks.report({ type: 'track_unpublished', roomId: peer.roomId, participantId: peer.peerId, trackId: producer.producerId });
    }

    this.logger.info('peer migrated', { roomId: peer.roomId, peerId: peer.peerId, fromNodeId: previous, nodeId: peer.nodeId });
    return { ...peer, previousNodeId: undefined };
  }

  /** Closes the peer's media and notifies the room; safe to call twice. */
  async leave(peer: JoinedPeer, reason: string): Promise<void> {
    if (peer.previousNodeId !== undefined) {
      await this.rpc.call(peer.previousNodeId, 'peer.close', { roomId: peer.roomId, peerId: peer.peerId }, this.config.rpcTimeoutMs).catch(() => undefined);
    }
    await this.call(peer, 'peer.close', {}).catch((error: Error) => {
      // A node that is gone has closed the media already.
      this.logger.warn('could not close peer media on its node', { roomId: peer.roomId, peerId: peer.peerId, error: error.message });
    });

    const producers = await this.registry.participants.remove(peer.roomId, peer.peerId);
    await this.registry.rooms.removePeer(peer.roomId, peer.peerId);
    await this.registry.placement.release(peer.sessionId).catch(() => undefined);
    await this.registry.sessions.remove(peer.sessionId);

    for (const producer of producers) {
      this.notifier.toRoom(peer.roomId, notifications.producerClosed, { producerId: producer.producerId, peerId: peer.peerId });
      this.webhooks.report({ type: 'track_unpublished', roomId: peer.roomId, participantId: peer.peerId, trackId: producer.producerId });
    }
    this.notifier.toRoom(peer.roomId, notifications.peerLeft, { peerId: peer.peerId, reason });
    this.webhooks.report({ type: 'participant_left', roomId: peer.roomId, participantId: peer.peerId, data: { reason } });
    this.logger.info('peer left', { roomId: peer.roomId, peerId: peer.peerId, reason });

    if ((await this.registry.participants.count(peer.roomId)) === 0) {
      await scheduleEmptyRoomClose(this.roomQueue, peer.roomId, this.config.roomEmptyTimeoutSeconds * 1000);
      this.logger.info('room is empty; it closes unless someone joins', { roomId: peer.roomId, timeoutSeconds: this.config.roomEmptyTimeoutSeconds });
    }
  }

  /** Cancels a pending empty-room close, and starts the room's maximum duration on its first join. */
  private async onRoomOccupied(roomId: string, participants: number): Promise<void> {
    if (await cancelEmptyRoomClose(this.roomQueue, roomId)) this.logger.info('empty-room close cancelled by a join', { roomId });

    if (participants === 1 && this.config.roomMaxDurationSeconds > 0) {
      await scheduleRoomEnd(this.roomQueue, roomId, this.config.roomMaxDurationSeconds * 1000, 'maximum duration reached');
    }
  }

  /**
   * Asks each node hosting the room to make consumers of the new producer
   * for its own peers: one request per node, not one per subscriber.
   */
  private async fanOut(peer: JoinedPeer, producerId: string, source: TrackSource): Promise<void> {
    const room = await this.registry.rooms.get(peer.roomId);
    const nodeIds = new Set(room?.nodeIds ?? []);
    nodeIds.add(peer.nodeId);

    await Promise.all(
      [...nodeIds].map(async (nodeId) => {
        try {
          const result = await this.rpc.call<{ consumers: (ConsumerInfo & { peerId: string })[] }>(
            nodeId,
            'consumer.createForPeers',
            {
              roomId: peer.roomId,
              producerId,
              producerNodeId: peer.nodeId,
              excludePeerId: peer.peerId,
              maxConsumersPerPeer: this.config.limits.maxConsumersPerPeer,
            },
            this.config.rpcTimeoutMs,
          );
          for (const { peerId, ...consumer } of result.consumers) {
            // nodeId lets a migrating client find which of its two media sessions the consumer is on.
            this.notifier.toPeer(peer.roomId, peerId, notifications.newConsumer, { ...consumer, peerId: peer.peerId, nodeId, source });
          }
        } catch (error) {
          this.logger.warn('could not make consumers on a node; its peers can ask with consume', {
            roomId: peer.roomId,
            producerId,
            nodeId,
            error: (error as Error).message,
          });
        }
      }),
    );
  }

  private async placeAndJoin(
    roomId: string,
    peerId: string,
    sessionId: string,
    claims: TokenClaims,
    participants: number,
  ): Promise<{ placed: JoinedPeer; rtpCapabilities: unknown }> {
    // A new peer consumes, roughly, what every present peer publishes.
    const cost = { peers: 1, consumers: Math.max(0, participants - 1) * 2 };
    const result = await this.registry.placement.place({ roomId, peerId, reservationId: sessionId, cost });
    if (!result.placed) {
      this.logger.warn('no node could take the peer', { roomId, peerId, rule: result.decision.rule });
      throw new ClientError(ErrorCode.NoCapacity, `no media server has room for this peer now (${result.decision.rule}); retry later`);
    }

    const placed: JoinedPeer = { sessionId, roomId, peerId, nodeId: result.nodeId, epoch: result.epoch };
    try {
      const answer = await this.call<{ rtpCapabilities: unknown }>(placed, 'room.join', {
        workerIndex: result.workerIndex,
        canSubscribe: claims.grants.subscribe,
      });
      // The node has the peer now and counts it in its load from its next
      // heartbeat. Confirming turns the reservation into that load at once,
      // so the peer is counted neither twice nor not at all.
      await this.registry.placement.confirm(sessionId);
      this.logger.info('peer placed', { roomId, peerId, nodeId: result.nodeId, workerIndex: result.workerIndex, rule: result.decision.rule });
      return { placed, rtpCapabilities: answer.rtpCapabilities };
    } catch (error) {
      await this.registry.placement.release(sessionId).catch(() => undefined);
      throw error;
    }
  }

  /** Builds the room state a joining or moved peer needs, with ICE servers whose TURN credential is minted now for identity. */
  private async roomState(roomId: string, peerId: string, identity: string): Promise<Record<string, unknown>> {
    const [participants, producers] = await Promise.all([
      this.registry.participants.list(roomId),
      this.registry.participants.producers(roomId),
    ]);
    return {
      roomId,
      ...iceServersFor(this.config, identity),
      peers: participants.filter((participant) => participant.peerId !== peerId),
      producers: producers
        .filter((producer) => producer.peerId !== peerId)
        .map(({ producerId, peerId: owner, kind, source }) => ({ producerId, peerId: owner, kind, source: source ?? defaultTrackSource(kind) })),
    };
  }

  private async ownProducer(peer: JoinedPeer, producerId: string): Promise<void> {
    const producer = await this.registry.participants.producer(peer.roomId, producerId);
    if (!producer || producer.peerId !== peer.peerId) {
      throw new ClientError(ErrorCode.ProducerNotFound, `producer ${producerId} is not one of yours`);
    }
  }

  private roomOf(claims: TokenClaims, requested: string | undefined): string {
    if (requested !== undefined && requested !== claims.room) {
      throw new ClientError(ErrorCode.Forbidden, `this token is for room ${claims.room}, not ${requested}`);
    }
    return claims.room;
  }

  private peerOf(session: SessionRecord): JoinedPeer {
    return {
      sessionId: session.sessionId,
      roomId: session.roomId,
      peerId: session.peerId,
      nodeId: session.nodeId,
      epoch: session.epoch ?? 0,
    };
  }

  private call<T = Record<string, unknown>>(peer: JoinedPeer, method: string, params: Record<string, unknown>): Promise<T> {
    return this.rpc.call<T>(
      peer.nodeId,
      method,
      { roomId: peer.roomId, peerId: peer.peerId, epoch: peer.epoch, ...params },
      this.config.rpcTimeoutMs,
    );
  }
}

function forbidden(grant: string): ClientError {
  return new ClientError(ErrorCode.Forbidden, `this token has no ${grant} grant`);
}
