import { EventEmitter } from 'node:events';

import type {
  Consumer,
  DtlsParameters,
  MediaKind,
  PlainTransport,
  RtpCapabilities,
  RtpParameters,
  Transport,
  WebRtcTransport,
} from 'mediasoup/node/lib/types';

import { ErrorCode } from '@sfu-cluster/protocol';
import { RpcError } from '@sfu-cluster/rpc';
import { moduleLogger, type Logger } from '@sfu-cluster/logger';

import { invalidState, notFound } from './errors';
import { Peer } from './peer';
import { Room } from './room';
import type { WorkerDiedEvent, WorkerPool } from './worker-pool';

export interface MediaNodeOptions {
  nodeId: string;
  listenIp: string;
  announcedIp: string;
}

/** A notification for one peer's client, relayed by signaling. */
export interface PeerNotification {
  roomId: string;
  peerId: string;
  event: string;
  data: Record<string, unknown>;
}

export interface WorkerLostEvent {
  workerIndex: number;
  /** Peers whose transports lived on the worker; they must reconnect. */
  peers: { roomId: string; peerId: string }[];
  /** Routers that died with the worker. */
  routers: { roomId: string; routerId: string }[];
}

export interface NodeLoad {
  rooms: number;
  routers: number;
  peers: number;
  transports: number;
  producers: number;
  consumers: number;
}

export type TransportDirection = 'send' | 'recv';

/**
 * The media plane of one SFU node: rooms, their routers and the peers on
 * them. Methods throw RpcError with a code for anything a caller got wrong.
 *
 * Events: 'notify' (PeerNotification), 'workerlost' (WorkerLostEvent),
 * 'activespeaker' ({ roomId, producerId, peerId }), 'roomclosed' (roomId),
 * 'routercreated' and 'routerclosed' ({ roomId, workerIndex, routerId }).
 */
export class MediaNode extends EventEmitter {
  private readonly rooms = new Map<string, Room>();
  private readonly peers = new Map<string, Peer>();
  private readonly logger: Logger;

  constructor(
    private readonly pool: WorkerPool,
    private readonly options: MediaNodeOptions,
    logger: Logger,
  ) {
    super();
    this.logger = moduleLogger(logger, 'media-node');
    pool.on('workerdied', (event: WorkerDiedEvent) => this.onWorkerDied(event));
  }

  get nodeId(): string {
    return this.options.nodeId;
  }

  room(roomId: string): Room {
    const room = this.rooms.get(roomId);
    if (!room) throw notFound.room(roomId);
    return room;
  }

  roomIfExists(roomId: string): Room | undefined {
    return this.rooms.get(roomId);
  }

  roomList(): Room[] {
    return [...this.rooms.values()];
  }

  peer(roomId: string, peerId: string): Peer {
    const peer = this.peers.get(peerKey(roomId, peerId));
    if (!peer) throw notFound.peer(peerId);
    return peer;
  }

  peerList(roomId?: string): Peer[] {
    const all = [...this.peers.values()];
    return roomId === undefined ? all : all.filter((peer) => peer.roomId === roomId);
  }

  /** Returns the room on this node, creating it with no router when missing. */
  openRoom(roomId: string): Room {
    let room = this.rooms.get(roomId);
    if (room) return room;

    room = new Room(roomId, this.pool, this.logger);
    room.on('activespeaker', (producerId: string) => {
      const peerId = room?.getProducer(producerId)?.peerId ?? '';
      this.emit('activespeaker', { roomId, producerId, peerId });
    });
    room.on('routercreated', (workerIndex: number, routerId: string) => {
      this.emit('routercreated', { roomId, workerIndex, routerId });
    });
    room.on('routerclosed', (workerIndex: number, routerId: string) => {
      this.emit('routerclosed', { roomId, workerIndex, routerId });
    });
    this.rooms.set(roomId, room);
    return room;
  }

  /**
   * Puts a peer on the given worker, or the least loaded one, and makes
   * sure the room has a router there. A peer already here keeps its worker.
   */
  async joinPeer(
    roomId: string,
    peerId: string,
    workerIndex?: number,
    canSubscribe = true,
  ): Promise<{ peer: Peer; rtpCapabilities: RtpCapabilities }> {
    const room = this.openRoom(roomId);

    let peer = this.peers.get(peerKey(roomId, peerId));
    if (!peer) {
      // Placement's choice of worker applies while that worker runs.
      const chosen = workerIndex !== undefined && this.pool.get(workerIndex) ? workerIndex : this.pickWorker(room);
      peer = new Peer(peerId, roomId, chosen);
      peer.canSubscribe = canSubscribe;
      this.peers.set(peerKey(roomId, peerId), peer);
      this.logger.info('peer joined', { roomId, peerId, workerIndex: peer.workerIndex });
    }

    const router = await room.router(peer.workerIndex);
    return { peer, rtpCapabilities: router.rtpCapabilities };
  }

  async createWebRtcTransport(
    roomId: string,
    peerId: string,
    direction: TransportDirection,
    rtpCapabilities?: RtpCapabilities,
  ): Promise<WebRtcTransport> {
    const peer = this.peer(roomId, peerId);
    const router = await this.room(roomId).router(peer.workerIndex);
    const webRtcServer = this.pool.get(peer.workerIndex)?.webRtcServer;
    const appData = { roomId, peerId, direction, type: 'webrtc' };

    const transport = webRtcServer
      ? await router.createWebRtcTransport({ webRtcServer, enableUdp: true, enableTcp: true, preferUdp: true, appData })
      : await router.createWebRtcTransport({
          listenIps: [{ ip: this.options.listenIp, announcedIp: this.options.announcedIp }],
          enableUdp: true,
          enableTcp: true,
          preferUdp: true,
          appData,
        });

    peer.addTransport(transport);
    if (direction === 'recv') {
      peer.recvTransportId = transport.id;
      if (rtpCapabilities) peer.rtpCapabilities = rtpCapabilities;
    }
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') {
        this.notify(roomId, peerId, 'transportFailed', { transportId: transport.id, dtlsState: state });
      }
    });
    transport.on('icestatechange', (state) => {
      if (state === 'disconnected') this.notify(roomId, peerId, 'transportDisconnected', { transportId: transport.id });
    });
    return transport;
  }

  /** A transport for server-side clients that send or receive plain RTP. */
  async createPlainTransport(
    roomId: string,
    peerId: string,
    options: { direction: TransportDirection; comedia: boolean; rtcpMux: boolean },
  ): Promise<PlainTransport> {
    const peer = this.peer(roomId, peerId);
    const router = await this.room(roomId).router(peer.workerIndex);

    const transport = await router.createPlainTransport({
      listenIp: { ip: this.options.listenIp, announcedIp: this.options.announcedIp },
      comedia: options.comedia,
      rtcpMux: options.rtcpMux,
      appData: { roomId, peerId, direction: options.direction, type: 'plain' },
    });
    peer.addTransport(transport);
    if (options.direction === 'recv') peer.recvTransportId = transport.id;
    return transport;
  }

  async connectWebRtcTransport(roomId: string, peerId: string, transportId: string, dtlsParameters: DtlsParameters): Promise<void> {
    const transport = this.peer(roomId, peerId).transport(transportId);
    if (transportType(transport) !== 'webrtc') throw invalidState(`transport ${transportId} is not a WebRtcTransport`);
    await (transport as WebRtcTransport).connect({ dtlsParameters });
  }

  async connectPlainTransport(
    roomId: string,
    peerId: string,
    transportId: string,
    address: { ip: string; port: number; rtcpPort?: number },
  ): Promise<void> {
    const transport = this.peer(roomId, peerId).transport(transportId);
    if (transportType(transport) !== 'plain') throw invalidState(`transport ${transportId} is not a PlainTransport`);
    await (transport as PlainTransport).connect(address);
  }

  async restartIce(roomId: string, peerId: string, transportId: string): Promise<unknown> {
    const transport = this.peer(roomId, peerId).transport(transportId);
    if (transportType(transport) !== 'webrtc') throw invalidState(`transport ${transportId} is not a WebRtcTransport`);
    return (transport as WebRtcTransport).restartIce();
  }

  async produce(
    roomId: string,
    peerId: string,
    transportId: string,
    kind: MediaKind,
    rtpParameters: RtpParameters,
    appData: Record<string, unknown>,
  ): Promise<string> {
    const peer = this.peer(roomId, peerId);
    const transport = peer.transport(transportId);
    if (transportDirection(transport) !== 'send') {
      throw invalidState(`transport ${transportId} is a receive transport; produce on a send transport`);
    }

    const producer = await transport.produce({ kind, rtpParameters, appData: { ...appData, roomId, peerId } });
    peer.addProducer(producer);
    this.room(roomId).addProducer({ producer, workerIndex: peer.workerIndex, peerId, originNodeId: this.nodeId, piped: false });
    this.logger.info('producer created', { roomId, peerId, producerId: producer.id, kind });
    return producer.id;
  }

  /**
   * Creates a consumer of a producer present on this node, paused unless
   * asked otherwise: the client resumes it once it is ready to render.
   */
  async consume(
    roomId: string,
    peerId: string,
    transportId: string,
    producerId: string,
    rtpCapabilities: RtpCapabilities,
    paused: boolean,
  ): Promise<Consumer> {
    const room = this.room(roomId);
    const peer = this.peer(roomId, peerId);
    const transport = peer.transport(transportId);
    if (transportDirection(transport) !== 'recv') {
      throw invalidState(`transport ${transportId} is a send transport; consume on a receive transport`);
    }

    await room.ensureProducerOnWorker(producerId, peer.workerIndex);
    const router = await room.router(peer.workerIndex);
    if (!router.canConsume({ producerId, rtpCapabilities })) {
      throw new RpcError(ErrorCode.CannotConsume, `peer ${peerId} cannot receive the codec of producer ${producerId}`, {
        producerId,
      });
    }

    const consumer = await transport.consume({ producerId, rtpCapabilities, paused, appData: { roomId, peerId } });
    peer.addConsumer(consumer);
    this.wireConsumer(roomId, peerId, consumer);
    return consumer;
  }

  closePeer(roomId: string, peerId: string): void {
    const key = peerKey(roomId, peerId);
    const peer = this.peers.get(key);
    if (!peer) return;

    peer.close();
    this.peers.delete(key);
    this.logger.info('peer left', { roomId, peerId });
    this.closeRoomIfEmpty(roomId);
  }

  closeRoom(roomId: string): void {
    for (const peer of this.peerList(roomId)) {
      peer.close();
      this.peers.delete(peerKey(roomId, peer.id));
    }
    const room = this.rooms.get(roomId);
    if (!room) return;

    room.close();
    this.rooms.delete(roomId);
    this.emit('roomclosed', roomId);
  }

  load(): NodeLoad {
    const peers = [...this.peers.values()];
    return {
      rooms: this.rooms.size,
      routers: this.roomList().reduce((total, room) => total + room.routerList().length, 0),
      peers: peers.length,
      transports: peers.reduce((total, peer) => total + peer.transports.size, 0),
      producers: peers.reduce((total, peer) => total + peer.producers.size, 0),
      consumers: peers.reduce((total, peer) => total + peer.consumers.size, 0),
    };
  }

  close(): void {
    for (const roomId of [...this.rooms.keys()]) this.closeRoom(roomId);
  }

  /**
   * Closes the room on this node once no local peer is left and no other
   * node has a pipe to it, because those nodes' subscribers still receive
   * the producers published here.
   */
  closeRoomIfEmpty(roomId: string): void {
    const room = this.rooms.get(roomId);
    if (!room || this.peerList(roomId).length > 0 || room.remoteNodeCount > 0) return;
    this.closeRoom(roomId);
  }

  private pickWorker(room: Room): number {
    const workers = this.pool.list().map((entry) => entry.index);
    if (workers.length === 0) throw new RpcError(ErrorCode.InvalidState, 'no mediasoup worker is running on this node');

    const peersOn = (index: number): number => this.peerList().filter((peer) => peer.workerIndex === index).length;
    // Fewest peers first; on a tie, a worker that already has the room's router saves a pipe.
    return workers.sort((a, b) => {
      const byLoad = peersOn(a) - peersOn(b);
      if (byLoad !== 0) return byLoad;
      return Number(room.routerIfExists(b) !== undefined) - Number(room.routerIfExists(a) !== undefined);
    })[0] as number;
  }

  private wireConsumer(roomId: string, peerId: string, consumer: Consumer): void {
    const base = { consumerId: consumer.id, producerId: consumer.producerId };

    consumer.on('producerclose', () => this.notify(roomId, peerId, 'consumerClosed', { ...base, reason: 'producer closed' }));
    consumer.on('transportclose', () => this.peers.get(peerKey(roomId, peerId))?.consumers.delete(consumer.id));
    consumer.on('producerpause', () => this.notify(roomId, peerId, 'consumerPaused', base));
    consumer.on('producerresume', () => this.notify(roomId, peerId, 'consumerResumed', base));
    consumer.on('layerschange', (layers) => this.notify(roomId, peerId, 'consumerLayersChanged', { ...base, layers }));
  }

  private notify(roomId: string, peerId: string, event: string, data: Record<string, unknown>): void {
    this.emit('notify', { roomId, peerId, event, data } satisfies PeerNotification);
  }

  private onWorkerDied(event: WorkerDiedEvent): void {
    const lost: WorkerLostEvent = { workerIndex: event.index, peers: [], routers: [] };

    for (const room of this.rooms.values()) {
      const router = room.routerIfExists(event.index);
      if (router) lost.routers.push({ roomId: room.id, routerId: router.id });
    }
    for (const [key, peer] of this.peers) {
      if (peer.workerIndex !== event.index) continue;
      lost.peers.push({ roomId: peer.roomId, peerId: peer.id });
      peer.close();
      this.peers.delete(key);
    }

    this.logger.error('worker lost with its routers; its peers must reconnect', {
      workerIndex: event.index,
      workerPid: event.pid,
      peers: lost.peers.length,
      routers: lost.routers.length,
    });
    this.emit('workerlost', lost);

    for (const { roomId } of lost.routers) this.closeRoomIfEmpty(roomId);
  }
}

function transportType(transport: Transport): string | undefined {
  return (transport.appData as { type?: string }).type;
}

function transportDirection(transport: Transport): string | undefined {
  return (transport.appData as { direction?: string }).direction;
}

function peerKey(roomId: string, peerId: string): string {
  return `${roomId}\n${peerId}`;
}
