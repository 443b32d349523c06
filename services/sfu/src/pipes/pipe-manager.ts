import type { Consumer, MediaKind, PipeTransport, Producer, RtpParameters } from 'mediasoup/node/lib/types';
import type { z } from 'zod';

import { moduleLogger, type Logger } from '@sfu-cluster/logger';
import type { RpcClient, RpcServer } from '@sfu-cluster/rpc';

import { notFound } from '../errors';
import type { MediaNode } from '../media-node';
import {
  pipeMethods,
  pipeSchemas,
  type PipeConnectResult,
  type PipeConsumeResult,
} from './pipe-methods';

/** This node's end of the pipe between one room's share here and on another node. */
interface PipeLink {
  roomId: string;
  remoteNodeId: string;
  transport: PipeTransport;
  workerIndex: number;
  /** Downstream: producers piped in over this link. Origin: producer ids consumed by the remote node. */
  producerIds: Set<string>;
  /** Origin: the pipe consumers feeding the remote node, by producer id. */
  consumers: Map<string, Consumer>;
  closing?: boolean;
}

export interface PipeManagerOptions {
  nodeId: string;
  /** Address other nodes reach this node's pipe transports on. */
  pipeIp: string;
  rpc: RpcClient;
  /** Deadline of each call to another node. */
  timeoutMs?: number;
}

type Params<K extends keyof typeof pipeSchemas> = z.infer<(typeof pipeSchemas)[K]>;

/**
 * Pipes producers between SFU nodes. One PipeTransport pair per (room,
 * node, node) is made on first need and shared by every producer piped
 * between the two. Concurrent requests for one producer make one pipe. A
 * pipe producer whose last local consumer left is released, and a link
 * with no producer left is closed at both ends.
 */
export class PipeManager {
  /** Keyed "roomId\nremoteNodeId"; both ends of a link use the same map. */
  private readonly links = new Map<string, PipeLink>();
  private readonly linking = new Map<string, Promise<PipeLink>>();
  private readonly pipingIn = new Map<string, Promise<void>>();
  private readonly logger: Logger;

  constructor(
    private readonly media: MediaNode,
    private readonly options: PipeManagerOptions,
    logger: Logger,
  ) {
    this.logger = moduleLogger(logger, 'pipes');
  }

  /** Pipe transports on this node, for metrics and admin views. */
  linkList(): { roomId: string; remoteNodeId: string; producers: number; transportId: string }[] {
    return [...this.links.values()].map((link) => ({
      roomId: link.roomId,
      remoteNodeId: link.remoteNodeId,
      producers: link.producerIds.size,
      transportId: link.transport.id,
    }));
  }

  transportList(): PipeTransport[] {
    return [...this.links.values()].map((link) => link.transport);
  }

  register(server: RpcServer): void {
    server
      .method(pipeMethods.connect, pipeSchemas.connect, (params) => this.onConnect(params))
      .method(pipeMethods.consume, pipeSchemas.consume, (params) => this.onConsume(params))
      .method(pipeMethods.release, pipeSchemas.release, (params) => this.onRelease(params))
      .method(pipeMethods.disconnect, pipeSchemas.disconnect, (params) => this.onDisconnect(params))
      .method(pipeMethods.producerEvent, pipeSchemas.producerEvent, (params) => this.onProducerEvent(params))
      .method(pipeMethods.remoteLost, pipeSchemas.remoteLost, (params) => this.onRemoteLost(params));
  }

  // Downstream side.

  /**
   * Makes a producer of another node consumable in this node's share of the
   * room. Concurrent calls for one producer wait on the same pipe.
   */
  async pipeIn(roomId: string, producerId: string, originNodeId: string): Promise<void> {
    if (this.media.room(roomId).getProducer(producerId)) return;

    const key = `${roomId}\n${producerId}`;
    let piping = this.pipingIn.get(key);
    if (!piping) {
      piping = this.doPipeIn(roomId, producerId, originNodeId).finally(() => this.pipingIn.delete(key));
      this.pipingIn.set(key, piping);
    }
    await piping;
  }

  /** Releases a piped producer that no local consumer uses any more; called when a local consumer closes. */
  releaseIfUnused(roomId: string, producerId: string): void {
    const room = this.media.roomIfExists(roomId);
    const entry = room?.getProducer(producerId);
    if (!entry?.piped) return;

    const stillConsumed = this.media
      .peerList(roomId)
      .some((peer) => [...peer.consumers.values()].some((consumer) => consumer.producerId === producerId));
    if (stillConsumed) return;

    const link = this.links.get(linkKey(roomId, entry.originNodeId));
    entry.producer.close();
    link?.producerIds.delete(producerId);
    this.logger.info('piped producer released; no local consumer left', { roomId, producerId, originNodeId: entry.originNodeId });

    this.tell(entry.originNodeId, pipeMethods.release, { roomId, nodeId: this.options.nodeId, producerId });
    if (link && link.producerIds.size === 0) void this.closeLink(link, true);
  }

  private async doPipeIn(roomId: string, producerId: string, originNodeId: string): Promise<void> {
    const link = await this.downstreamLink(roomId, originNodeId, producerId);

    const result = await this.call<PipeConsumeResult>(originNodeId, pipeMethods.consume, {
      roomId,
      nodeId: this.options.nodeId,
      producerId,
    });

    const producer: Producer = await link.transport.produce({
      id: producerId,
      kind: result.kind as MediaKind,
      rtpParameters: result.rtpParameters as RtpParameters,
      paused: result.paused,
      appData: { ...result.appData, roomId, peerId: result.peerId, originNodeId },
    });
    link.producerIds.add(producerId);
    // However the piped producer ends (the origin closed it, or no local
    // consumer needs it), a link left carrying nothing is closed at both ends.
    producer.observer.once('close', () => {
      link.producerIds.delete(producerId);
      if (link.producerIds.size === 0) void this.closeLink(link, true);
    });

    this.media.room(roomId).addProducer({
      producer,
      workerIndex: link.workerIndex,
      peerId: result.peerId,
      originNodeId,
      piped: true,
    });
    this.logger.info('producer piped in', { roomId, producerId, originNodeId, kind: result.kind });
  }

  private async downstreamLink(roomId: string, remoteNodeId: string, producerId: string): Promise<PipeLink> {
    const key = linkKey(roomId, remoteNodeId);
    const existing = this.links.get(key);
    if (existing) return existing;

    let linking = this.linking.get(key);
    if (!linking) {
      linking = this.openDownstreamLink(roomId, remoteNodeId, producerId).finally(() => this.linking.delete(key));
      this.linking.set(key, linking);
    }
    return linking;
  }

  private async openDownstreamLink(roomId: string, remoteNodeId: string, producerId: string): Promise<PipeLink> {
    const room = this.media.room(roomId);
    const workerIndex = room.routerList()[0]?.workerIndex ?? 0;
    const transport = await this.createPipeTransport(roomId, workerIndex, remoteNodeId);

    try {
      const remote = await this.call<PipeConnectResult>(remoteNodeId, pipeMethods.connect, {
        roomId,
        nodeId: this.options.nodeId,
        ip: transport.tuple.localIp,
        port: transport.tuple.localPort,
        producerId,
      });
      await transport.connect({ ip: remote.ip, port: remote.port });
    } catch (error) {
      transport.close();
      throw error;
    }

    const link = this.addLink({ roomId, remoteNodeId, transport, workerIndex, producerIds: new Set(), consumers: new Map() });
    this.logger.info('pipe opened', { roomId, remoteNodeId, transportId: transport.id, role: 'downstream' });
    return link;
  }

  // Origin side.

  private async onConnect(params: Params<'connect'>): Promise<PipeConnectResult> {
    const room = this.media.room(params.roomId);
    const key = linkKey(params.roomId, params.nodeId);

    // A downstream node that reconnects (after a restart) gets a fresh link.
    const stale = this.links.get(key);
    if (stale) await this.closeLink(stale, false);

    const producerWorker = params.producerId ? room.getProducer(params.producerId)?.workerIndex : undefined;
    const workerIndex = producerWorker ?? room.routerList()[0]?.workerIndex ?? 0;
    const transport = await this.createPipeTransport(params.roomId, workerIndex, params.nodeId);
    await transport.connect({ ip: params.ip, port: params.port });

    this.addLink({ roomId: params.roomId, remoteNodeId: params.nodeId, transport, workerIndex, producerIds: new Set(), consumers: new Map() });
    room.addRemoteNode(params.nodeId);
    this.logger.info('pipe opened', { roomId: params.roomId, remoteNodeId: params.nodeId, transportId: transport.id, role: 'origin' });
    return { ip: transport.tuple.localIp, port: transport.tuple.localPort };
  }

  private async onConsume(params: Params<'consume'>): Promise<PipeConsumeResult> {
    const link = this.links.get(linkKey(params.roomId, params.nodeId));
    if (!link) throw notFound.room(params.roomId);
    const room = this.media.room(params.roomId);
    const entry = room.getProducer(params.producerId);
    if (!entry || entry.piped) throw notFound.producer(params.producerId);

    await room.ensureProducerOnWorker(params.producerId, link.workerIndex);
    const consumer = await link.transport.consume({ producerId: params.producerId });
    link.producerIds.add(params.producerId);
    link.consumers.set(params.producerId, consumer);

    const forward = (event: 'close' | 'pause' | 'resume'): void => {
      this.tell(params.nodeId, pipeMethods.producerEvent, { roomId: params.roomId, producerId: params.producerId, event });
    };
    consumer.on('producerclose', () => forward('close'));
    consumer.on('producerpause', () => forward('pause'));
    consumer.on('producerresume', () => forward('resume'));
    consumer.observer.once('close', () => {
      link.producerIds.delete(params.producerId);
      link.consumers.delete(params.producerId);
    });

    return {
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      paused: consumer.producerPaused,
      peerId: entry.peerId,
      appData: entry.producer.appData,
    };
  }

  private onRelease(params: Params<'release'>): void {
    const link = this.links.get(linkKey(params.roomId, params.nodeId));
    if (!link) return;

    link.consumers.get(params.producerId)?.close();
    link.producerIds.delete(params.producerId);
  }

  private async onDisconnect(params: Params<'disconnect'>): Promise<void> {
    const link = this.links.get(linkKey(params.roomId, params.nodeId));
    if (link) await this.closeLink(link, false);
  }

  // Downstream side, events from the origin.

  private onProducerEvent(params: Params<'producerEvent'>): void {
    const entry = this.media.roomIfExists(params.roomId)?.getProducer(params.producerId);
    if (!entry?.piped) return;

    if (params.event === 'close') entry.producer.close();
    else if (params.event === 'pause') void entry.producer.pause();
    else void entry.producer.resume();
    this.logger.info('origin producer event applied', { roomId: params.roomId, producerId: params.producerId, event: params.event });
  }

  /** Closes this end of a pipe whose remote node is gone, which closes its producers and notifies their consumers' clients. */
  private async onRemoteLost(params: Params<'remoteLost'>): Promise<{ closed: boolean }> {
    const link = this.links.get(linkKey(params.roomId, params.nodeId));
    if (!link) return { closed: false };

    await this.closeLink(link, false);
    this.logger.info('pipe to a lost node closed', { roomId: params.roomId, remoteNodeId: params.nodeId });
    return { closed: true };
  }

  // Both sides.

  private async createPipeTransport(roomId: string, workerIndex: number, remoteNodeId: string): Promise<PipeTransport> {
    const router = await this.media.room(roomId).router(workerIndex);
    return router.createPipeTransport({
      listenIp: { ip: this.options.pipeIp },
      enableRtx: true,
      appData: { roomId, remoteNodeId, type: 'pipe' },
    });
  }

  private addLink(link: PipeLink): PipeLink {
    const key = linkKey(link.roomId, link.remoteNodeId);
    this.links.set(key, link);
    link.transport.observer.once('close', () => {
      if (this.links.get(key) === link) this.links.delete(key);
    });
    return link;
  }

  private async closeLink(link: PipeLink, tellRemote: boolean): Promise<void> {
    if (link.closing) return;
    link.closing = true;
    link.transport.close();
    this.links.delete(linkKey(link.roomId, link.remoteNodeId));
    this.logger.info('pipe closed', { roomId: link.roomId, remoteNodeId: link.remoteNodeId });

    if (tellRemote) {
      await this.call(link.remoteNodeId, pipeMethods.disconnect, { roomId: link.roomId, nodeId: this.options.nodeId }).catch(
        () => undefined,
      );
    }

    const room = this.media.roomIfExists(link.roomId);
    room?.removeRemoteNode(link.remoteNodeId);
    this.media.closeRoomIfEmpty(link.roomId);
  }

  /** Sends a call whose failure no caller here can act on. call() logs the failure. */
  private tell(target: string, method: string, params: unknown): void {
    this.call(target, method, params).catch(() => undefined);
  }

  private async call<T>(target: string, method: string, params: unknown): Promise<T> {
    try {
      return await this.options.rpc.call<T>(target, method, params, this.options.timeoutMs);
    } catch (error) {
      this.logger.warn('pipe call failed', { target, method, error: (error as Error).message });
      throw error;
    }
  }
}

function linkKey(roomId: string, remoteNodeId: string): string {
  return `${roomId}\n${remoteNodeId}`;
}
