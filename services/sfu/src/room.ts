import { EventEmitter } from 'node:events';

import type { ActiveSpeakerObserver, Producer, Router } from 'mediasoup/node/lib/types';

import { moduleLogger, type Logger } from '@sfu-cluster/logger';

import { notFound } from './errors';
import { mediaCodecs } from './media-codecs';
import type { WorkerPool } from './worker-pool';

/** A producer present on this node: published here, or piped in from another node. */
export interface RoomProducer {
  producer: Producer;
  /** Worker whose router the producer lives on. */
  workerIndex: number;
  /** Publishing peer, wherever it is. */
  peerId: string;
  /** Node the producer was published on. */
  originNodeId: string;
  /** True for a producer piped in from another node. */
  piped: boolean;
}

/**
 * One room's share of this node: a router per worker that hosts its peers,
 * the producers present here, and an active speaker observer. Owns them:
 * close() closes every router, which closes their transports.
 *
 * Events: 'activespeaker' (producerId), 'routercreated' (workerIndex, routerId),
 * 'routerclosed' (workerIndex, routerId).
 */
export class Room extends EventEmitter {
  private readonly routers = new Map<number, Router>();
  private readonly creatingRouters = new Map<number, Promise<Router>>();
  private readonly producers = new Map<string, RoomProducer>();
  /** In-flight local pipes, keyed "producerId#workerIndex", so concurrent consumers make one. */
  private readonly localPipes = new Map<string, Promise<void>>();
  private speakerObserver?: Promise<ActiveSpeakerObserver>;
  /** Other nodes with a pipe to this room here; the room stays open while any has one. */
  private readonly remoteNodes = new Set<string>();
  private readonly logger: Logger;
  private closed = false;

  constructor(
    readonly id: string,
    private readonly pool: WorkerPool,
    logger: Logger,
  ) {
    super();
    this.logger = moduleLogger(logger, 'room', { roomId: id });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get remoteNodeCount(): number {
    return this.remoteNodes.size;
  }

  addRemoteNode(nodeId: string): void {
    this.remoteNodes.add(nodeId);
  }

  removeRemoteNode(nodeId: string): void {
    this.remoteNodes.delete(nodeId);
  }

  /** The room's router on a worker, created on first need. */
  async router(workerIndex: number): Promise<Router> {
    const existing = this.routers.get(workerIndex);
    if (existing) return existing;

    let creating = this.creatingRouters.get(workerIndex);
    if (!creating) {
      creating = this.createRouter(workerIndex).finally(() => this.creatingRouters.delete(workerIndex));
      this.creatingRouters.set(workerIndex, creating);
    }
    return creating;
  }

  routerIfExists(workerIndex: number): Router | undefined {
    return this.routers.get(workerIndex);
  }

  routerList(): { workerIndex: number; router: Router }[] {
    return [...this.routers].map(([workerIndex, router]) => ({ workerIndex, router }));
  }

  addProducer(entry: RoomProducer): void {
    this.producers.set(entry.producer.id, entry);
    entry.producer.observer.once('close', () => this.producers.delete(entry.producer.id));

    if (entry.producer.kind === 'audio' && !entry.piped) {
      void this.observeSpeaker(entry);
    }
  }

  getProducer(producerId: string): RoomProducer | undefined {
    return this.producers.get(producerId);
  }

  producerList(): RoomProducer[] {
    return [...this.producers.values()];
  }

  /**
   * Makes a producer consumable on a worker's router. A producer on another
   * worker of this node is piped with pipeToRouter; concurrent requests for
   * the same producer and worker make one pipe.
   */
  async ensureProducerOnWorker(producerId: string, workerIndex: number): Promise<void> {
    const entry = this.producers.get(producerId);
    if (!entry) throw notFound.producer(producerId);
    if (entry.workerIndex === workerIndex) return;

    const key = `${producerId}#${workerIndex}`;
    let piping = this.localPipes.get(key);
    if (!piping) {
      piping = this.pipeToWorker(entry, workerIndex);
      this.localPipes.set(key, piping);
      // A failed pipe may be tried again; a finished one stays as the marker that it exists.
      piping.catch(() => this.localPipes.delete(key));
      entry.producer.observer.once('close', () => this.localPipes.delete(key));
    }
    await piping;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;

    for (const router of this.routers.values()) router.close();
    this.routers.clear();
    this.producers.clear();
    this.logger.info('room closed on this node');
  }

  private async createRouter(workerIndex: number): Promise<Router> {
    const pooled = this.pool.get(workerIndex);
    if (!pooled) throw new Error(`worker ${workerIndex} is not running`);

    const router = await pooled.worker.createRouter({ mediaCodecs, appData: { roomId: this.id, workerIndex } });
    if (this.closed) {
      router.close();
      throw new Error(`room ${this.id} closed while its router was being created`);
    }

    this.routers.set(workerIndex, router);
    router.observer.once('close', () => {
      this.routers.delete(workerIndex);
      this.emit('routerclosed', workerIndex, router.id);
    });
    this.emit('routercreated', workerIndex, router.id);
    this.logger.info('router created', { workerIndex, routerId: router.id, workerPid: pooled.worker.pid });
    return router;
  }

  private async pipeToWorker(entry: RoomProducer, workerIndex: number): Promise<void> {
    const source = await this.router(entry.workerIndex);
    const target = await this.router(workerIndex);

    await source.pipeToRouter({ producerId: entry.producer.id, router: target });
    this.logger.debug('producer piped between workers', {
      producerId: entry.producer.id,
      fromWorker: entry.workerIndex,
      toWorker: workerIndex,
    });
  }

  /**
   * Feeds a local audio producer to the room's active speaker observer,
   * which lives on the router of the first audio producer.
   * NOTE: each node observes only the producers published on it, so a room
   * spread over nodes has one active speaker per node.
   */
  private async observeSpeaker(entry: RoomProducer): Promise<void> {
    try {
      if (!this.speakerObserver) this.speakerObserver = this.createSpeakerObserver(entry.workerIndex);
      const observer = await this.speakerObserver;

      const observerWorker = (observer.appData as { workerIndex: number }).workerIndex;
      await this.ensureProducerOnWorker(entry.producer.id, observerWorker);
      await observer.addProducer({ producerId: entry.producer.id });
    } catch (error) {
      this.logger.warn('could not add producer to the active speaker observer', {
        producerId: entry.producer.id,
        error: (error as Error).message,
      });
    }
  }

  private async createSpeakerObserver(workerIndex: number): Promise<ActiveSpeakerObserver> {
    const router = await this.router(workerIndex);
    const observer = await router.createActiveSpeakerObserver({ interval: 300, appData: { workerIndex } });

    observer.on('dominantspeaker', ({ producer }) => this.emit('activespeaker', producer.id));
    observer.observer.once('close', () => (this.speakerObserver = undefined));
    return observer;
  }
}
