import type * as Mediasoup from 'mediasoup';
import type { Producer, RtpCapabilities, Transport } from 'mediasoup/node/lib/types';

import { redactUrl, type SfuConfig } from '@sfu-cluster/config';
import { moduleLogger, type Logger } from '@sfu-cluster/logger';
import { ErrorCode } from '@sfu-cluster/protocol';
import {
  createRegistry,
  createRedis,
  reportRedisErrors,
  waitForRedis,
  startHeartbeat,
  StaleEpochError,
  type HeartbeatLoop,
  type NodeRecord,
  type Redis,
  type Registry,
} from '@sfu-cluster/registry';
import { channels, RpcClient, RpcError, RpcServer } from '@sfu-cluster/rpc';

import { draining } from './errors';
import { LoadSampler, type SampledLoad } from './load-sampler';
import { mediaCodecs } from './media-codecs';
import { MediaNode, type WorkerLostEvent } from './media-node';
import type { Peer } from './peer';
import { PipeManager } from './pipes/pipe-manager';
import { registerMediaMethods, type RequestGuard } from './rpc/media-methods';
import { mediaSchemas } from './rpc/schemas';
import { WorkerPool } from './worker-pool';

/** Version in node records, so a rolling upgrade shows which nodes run what. */
const NODE_VERSION = process.env.npm_package_version ?? '0.1.0';

/** How often a draining node checks whether its last router closed. */
const DRAIN_POLL_MS = 500;

export type NodeState = 'starting' | 'active' | 'draining' | 'stopped';

/**
 * One SFU node: its workers, media plane, pipes to other nodes, RPC
 * endpoint and registry record. Owns all of them; stop() closes them in
 * reverse order.
 */
export class SfuNode {
  readonly pool: WorkerPool;
  readonly media: MediaNode;
  readonly redis: Redis;
  readonly registry: Registry;
  readonly pipes: PipeManager;
  private readonly rpcServer: RpcServer;
  private readonly rpcClient: RpcClient;
  private readonly sampler: LoadSampler;
  private readonly logger: Logger;
  private heartbeat?: HeartbeatLoop;
  private drainTimers: NodeJS.Timeout[] = [];
  private stateValue: NodeState = 'starting';
  /** Capabilities every router of this node offers, the same on every node since all use one codec list. */
  private rtpCapabilities?: RtpCapabilities;

  constructor(
    mediasoup: typeof Mediasoup,
    private readonly config: SfuConfig,
    logger: Logger,
    private readonly onDrained: () => void,
  ) {
    this.logger = moduleLogger(logger, 'sfu-node');
    this.pool = new WorkerPool(mediasoup, config, logger);
    this.media = new MediaNode(this.pool, config, logger);

    this.redis = createRedis(config.redis, { connectionName: `sfu:${config.nodeId}` });
    reportRedisErrors(this.redis, 'main', (message, fields) => this.logger.warn(message, fields));
    this.registry = createRegistry(this.redis, { prefix: config.redis.prefix });

    const subscriber = (name: string): Redis => {
      const connection = this.redis.duplicate({ connectionName: `sfu:${config.nodeId}:${name}` });
      connection.on('error', () => undefined);
      return connection;
    };
    const base = { publisher: this.redis, prefix: config.redis.prefix, logger };
    this.rpcServer = new RpcServer({ ...base, subscriber: subscriber('rpc-server'), target: config.nodeId });
    this.rpcClient = new RpcClient({ ...base, subscriber: subscriber('rpc-client'), clientId: config.nodeId });

    this.pipes = new PipeManager(this.media, { nodeId: config.nodeId, pipeIp: config.pipeIp, rpc: this.rpcClient }, logger);
    this.sampler = new LoadSampler(this.pool, () => this.transports(), () => this.producers());
  }

  get state(): NodeState {
    return this.stateValue;
  }

  loadSample(): SampledLoad {
    return this.sampler.current;
  }

  /** Starts the workers. Needs no Redis, so the health route responds while Redis is awaited. */
  async startMedia(): Promise<void> {
    await this.pool.start();
    this.rtpCapabilities = await this.readRtpCapabilities();
  }

  /** Joins the cluster: waits for Redis, serves RPC and writes the node record. */
  async start(): Promise<void> {
    await waitForRedis(this.redis, redactUrl(this.config.redis.url), (message, fields) => this.logger.warn(message, fields));

    registerMediaMethods(this.rpcServer, this.media, this.pipes, this.guard());
    this.pipes.register(this.rpcServer);
    this.rpcServer.method('node.drain', mediaSchemas.drain, ({ deadlineSeconds }) => this.drain('rpc', deadlineSeconds));
    this.rpcServer.method('node.undrain', mediaSchemas.empty, () => this.undrain());
    this.rpcServer.method('node.describe', mediaSchemas.empty, () => this.describe());
    this.rpcServer.method('node.rtpCapabilities', mediaSchemas.empty, () => this.rtpCapabilities);
    await this.rpcServer.start();
    await this.rpcClient.start();

    this.wireRegistry();
    this.sampler.start();
    this.heartbeat = startHeartbeat(this.registry.nodes, () => this.record(), (error) =>
      this.logger.warn('heartbeat failed; the node will look lost if this lasts 3 s', { error: (error as Error).message }),
    );
    await this.heartbeat.first;

    this.stateValue = 'active';
    this.logger.info('sfu node active', { workers: this.config.workerNum, pipeIp: this.config.pipeIp });
  }

  /**
   * Marks the node draining at once (placement skips it from the next
   * read), keeps serving its rooms, and stops when the last router closes
   * or SFU_DRAIN_TIMEOUT passes.
   */
  async drain(reason: string, deadlineSeconds = this.config.drainTimeoutSeconds): Promise<{ state: NodeState; rooms: number; peers: number }> {
    const load = this.media.load();
    if (this.stateValue === 'starting') {
      // Not in the cluster yet: nothing to drain.
      this.onDrained();
      return { state: this.stateValue, rooms: load.rooms, peers: load.peers };
    }
    if (this.stateValue !== 'active') return { state: this.stateValue, rooms: load.rooms, peers: load.peers };
    this.stateValue = 'draining';

    const deadline = Date.now() + deadlineSeconds * 1000;
    this.logger.info('drain started; the node takes no new peers', { reason, rooms: load.rooms, peers: load.peers, deadline });
    await this.registry.nodes.setState(this.config.nodeId, 'draining').catch((error: Error) => {
      // The next heartbeat carries the state too.
      this.logger.warn('could not mark the node draining in the registry yet', { error: error.message });
    });
    this.publishEvent({ type: 'nodeDraining', deadline, rooms: load.rooms, peers: load.peers });

    const poll = setInterval(() => {
      if (this.media.load().routers === 0) this.finishDrain('last router closed');
    }, DRAIN_POLL_MS);
    const timeout = setTimeout(() => this.finishDrain('drain deadline reached'), deadlineSeconds * 1000);
    this.drainTimers = [poll, timeout];
    return { state: this.stateValue, rooms: load.rooms, peers: load.peers };
  }

  /** Cancels a drain: the node takes new peers again. */
  async undrain(): Promise<{ state: NodeState }> {
    if (this.stateValue !== 'draining') return { state: this.stateValue };

    for (const timer of this.drainTimers) clearTimeout(timer);
    this.drainTimers = [];
    this.stateValue = 'active';
    await this.registry.nodes.setState(this.config.nodeId, 'active');
    this.publishEvent({ type: 'nodeDrainCancelled' });
    this.logger.info('drain cancelled; the node takes new peers again');
    return { state: this.stateValue };
  }

  /** Stops everything and removes the node record, so placement drops the node at once. */
  async stop(): Promise<void> {
    if (this.stateValue === 'stopped') return;
    this.stateValue = 'stopped';

    for (const timer of this.drainTimers) clearTimeout(timer);
    this.heartbeat?.stop();
    this.sampler.stop();
    await this.rpcServer.close();
    await this.rpcClient.close();
    this.media.close();
    this.pool.close();
    // With Redis away the record simply expires; waiting on retries would only delay the exit.
    if (this.redis.status === 'ready') await this.registry.nodes.remove(this.config.nodeId).catch(() => undefined);
    this.redis.disconnect();
  }

  record(): NodeRecord {
    const load = this.media.load();
    const sampled = this.sampler.current;
    const workerPeers = Array.from({ length: this.config.workerNum }, (_, index) =>
      this.media.peerList().filter((peer) => peer.workerIndex === index).length,
    );

    // A worker being respawned takes its share of capacity with it, so
    // placement does not send peers to a node that cannot host them now.
    const running = this.pool.list().length / this.config.workerNum;
    const capacity = {
      maxPeers: Math.floor(this.config.capacity.maxPeers * running),
      maxConsumers: Math.floor(this.config.capacity.maxConsumers * running),
    };

    return {
      id: this.config.nodeId,
      pipeAddress: this.config.pipeIp,
      region: this.config.region,
      workers: this.config.workerNum,
      capacity,
      load: {
        peers: load.peers,
        producers: load.producers,
        consumers: load.consumers,
        bitrateIn: sampled.bitrateIn,
        bitrateOut: sampled.bitrateOut,
        cpu: sampled.cpu,
        workerPeers,
      },
      state: this.stateValue === 'draining' ? 'draining' : 'active',
      version: NODE_VERSION,
      updatedAt: Date.now(),
    };
  }

  /**
   * Returns this node's rooms with their routers, peers, media and pipes.
   * Bitrates (bits per second) and packet loss come from the load sampler,
   * so they are up to one sampling interval (2 s) old.
   */
  describe(): Record<string, unknown> {
    const rooms = this.media.roomList().map((room) => ({
      roomId: room.id,
      routers: room.routerList().map(({ workerIndex, router }) => ({ workerIndex, routerId: router.id })),
      peers: this.media.peerList(room.id).map((peer) => ({
        peerId: peer.id,
        workerIndex: peer.workerIndex,
        transports: peer.transports.size,
        producers: [...peer.producers.values()].map((producer) => ({
          producerId: producer.id,
          kind: producer.kind,
          paused: producer.paused,
        })),
        consumers: peer.consumers.size,
        ...this.peerStats(peer),
      })),
      pipedProducers: room
        .producerList()
        .filter((entry) => entry.piped)
        .map((entry) => ({ producerId: entry.producer.id, originNodeId: entry.originNodeId, peerId: entry.peerId })),
    }));

    const pipes = this.pipes.linkList().map((link) => ({ ...link, ...this.sampler.transportBitrate(link.transportId) }));
    return { nodeId: this.config.nodeId, state: this.stateValue, load: this.media.load(), rooms, pipes };
  }

  /** A peer's bitrates summed over its transports, and the worst packet loss among its producers (null before the first sample). */
  private peerStats(peer: Peer): { bitrateIn: number; bitrateOut: number; packetLoss: number | null } {
    let bitrateIn = 0;
    let bitrateOut = 0;
    for (const transportId of peer.transports.keys()) {
      const bitrate = this.sampler.transportBitrate(transportId);
      bitrateIn += bitrate.bitrateIn;
      bitrateOut += bitrate.bitrateOut;
    }

    const losses = [...peer.producers.keys()].map((producerId) => this.sampler.producerPacketLoss(producerId)).filter((loss) => loss !== undefined);
    return { bitrateIn, bitrateOut, packetLoss: losses.length === 0 ? null : Math.max(...losses) };
  }

  private async readRtpCapabilities(): Promise<RtpCapabilities> {
    const first = this.pool.list()[0];
    if (!first) throw new Error('no worker running to read router capabilities from');

    const router = await first.worker.createRouter({ mediaCodecs });
    const capabilities = router.rtpCapabilities;
    router.close();
    return capabilities;
  }

  private finishDrain(why: string): void {
    if (this.stateValue !== 'draining') return;

    const load = this.media.load();
    this.logger.info('drain finished; stopping', { why, rooms: load.rooms, peers: load.peers });
    this.publishEvent({ type: 'nodeDrained', why, rooms: load.rooms, peers: load.peers });
    for (const timer of this.drainTimers) clearTimeout(timer);
    this.onDrained();
  }

  private guard(): RequestGuard {
    return {
      admitPeer: (roomId, peerId) => {
        if (this.stateValue !== 'draining') return;
        // Peers already here keep working while the node drains.
        if (this.media.peerList(roomId).some((peer) => peer.id === peerId)) return;
        throw draining(this.config.nodeId);
      },
      checkEpoch: async (roomId, epoch) => {
        if (epoch === undefined) return;
        try {
          await this.registry.rooms.checkEpoch(roomId, epoch);
        } catch (error) {
          if (error instanceof StaleEpochError) {
            throw new RpcError(ErrorCode.StaleEpoch, error.message, { roomId, epoch });
          }
          throw error;
        }
      },
    };
  }

  /** Keeps the room records' router entries in step with the routers on this node. */
  private wireRegistry(): void {
    const nodeId = this.config.nodeId;

    this.media.on('routercreated', ({ roomId, workerIndex, routerId }) => {
      this.registry.rooms.setRouter(roomId, { nodeId, workerIndex, routerId }).catch((error: Error) => {
        this.logger.warn('could not record router in the registry', { roomId, workerIndex, error: error.message });
      });
    });
    this.media.on('routerclosed', ({ roomId, workerIndex }) => {
      this.registry.rooms.removeRouter(roomId, nodeId, workerIndex).catch((error: Error) => {
        this.logger.warn('could not remove router from the registry', { roomId, workerIndex, error: error.message });
      });
    });
    this.media.on('workerlost', (event: WorkerLostEvent) => {
      // Write the lighter load first, so placing these peers again can count on the freed capacity.
      void this.registry.nodes
        .heartbeat(this.record())
        .catch(() => undefined)
        .then(() => this.publishEvent({ type: 'workerLost', workerIndex: event.workerIndex, peers: event.peers, routers: event.routers }));
    });
    this.media.on('notify', (notification) => this.publishEvent({ type: 'peerNotification', ...notification }));
    this.media.on('activespeaker', (speaker) => this.publishEvent({ type: 'activeSpeaker', ...speaker }));
  }

  private publishEvent(event: Record<string, unknown>): void {
    const message = JSON.stringify({ ...event, nodeId: this.config.nodeId, at: Date.now() });
    this.redis.publish(channels.nodeEvents(this.config.redis.prefix), message).catch((error: Error) => {
      this.logger.warn('could not publish node event', { type: event.type, error: error.message });
    });
  }

  private transports(): Transport[] {
    const clients = this.media.peerList().flatMap((peer) => [...peer.transports.values()]);
    return [...clients, ...this.pipes.transportList()];
  }

  /** Returns the producers of this node's peers, without pipe producers, because their origin node samples them. */
  private producers(): Producer[] {
    return this.media.peerList().flatMap((peer) => [...peer.producers.values()]);
  }
}
