import { Redis } from 'ioredis';

import { createLogger } from '@sfu-cluster/logger';
import { createRegistry, whenReady, type Registry } from '@sfu-cluster/registry';
import { channels, RpcClient } from '@sfu-cluster/rpc';
import { RtpReceiver, RtpSender, startCluster, waitFor, type LocalCluster } from '@sfu-cluster/testkit';

export const OPUS = { mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 100 };
/** Without PLI or FIR feedback a producer has no way to ask its sender for a keyframe. */
export const VP8 = {
  mimeType: 'video/VP8',
  clockRate: 90000,
  payloadType: 101,
  rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
};

/**
 * A VP8 payload descriptor (extended, start of partition 0, no picture id)
 * and a keyframe frame tag with its start code. mediasoup 3.12 reads only
 * extended descriptors, and a video consumer forwards nothing before a
 * keyframe.
 */
export const VP8_KEYFRAME_HEADER = Buffer.from([0x90, 0x00, 0x10, 0x00, 0x00, 0x9d, 0x01, 0x2a]);

export interface NodeEvent {
  type: string;
  nodeId: string;
  [key: string]: unknown;
}

/**
 * Redis and two SFU nodes as processes; the test plays the signaling node:
 * it calls the nodes over RPC and listens to their events.
 */
export class SfuTestbed {
  readonly events: NodeEvent[] = [];
  private readonly connections: Redis[] = [];
  private readonly endpoints: { close(): void }[] = [];

  private constructor(
    readonly cluster: LocalCluster,
    readonly rpc: RpcClient,
    readonly registry: Registry,
  ) {}

  static async start(options: { workerNum?: number; env?: Record<string, string> } = {}): Promise<SfuTestbed> {
    const cluster = await startCluster({
      signalingPorts: [],
      lifecyclePort: null,
      webPort: null,
      workerNum: options.workerNum ?? 1,
      env: { LOG_LEVEL: 'warn', ...options.env },
    });

    const redis = new Redis(cluster.redisUrl);
    const subscriber = new Redis(cluster.redisUrl);
    const logger = createLogger({ service: 'test', level: 'error' });
    const rpcSubscriber = new Redis(cluster.redisUrl);
    const rpc = new RpcClient({ publisher: redis, subscriber: rpcSubscriber, prefix: cluster.prefix, clientId: 'test', logger });
    await rpc.start();

    const testbed = new SfuTestbed(cluster, rpc, createRegistry(redis, { prefix: cluster.prefix }));
    testbed.connections.push(redis, subscriber, rpcSubscriber);
    subscriber.on('message', (_channel: string, message: string) => testbed.events.push(JSON.parse(message) as NodeEvent));
    // A SUBSCRIBE sent before the connection is ready can be lost; wait first.
    await whenReady(subscriber);
    await subscriber.subscribe(channels.nodeEvents(cluster.prefix));
    return testbed;
  }

  get nodeA(): string {
    return this.cluster.sfu[0]!.nodeId;
  }

  get nodeB(): string {
    return this.cluster.sfu[1]!.nodeId;
  }

  call<T = Record<string, unknown>>(nodeId: string, method: string, params: unknown, timeoutMs = 5000): Promise<T> {
    return this.rpc.call<T>(nodeId, method, params, timeoutMs);
  }

  async waitForEvent(what: string, match: (event: NodeEvent) => boolean, timeoutMs: number): Promise<NodeEvent> {
    return waitFor(what, () => this.events.find(match), timeoutMs, 10);
  }

  /** Joins a peer and gives it a plain send transport with one producer fed by an RtpSender. */
  async publish(nodeId: string, roomId: string, peerId: string, kind: 'audio' | 'video'): Promise<{ producerId: string; sender: RtpSender }> {
    await this.call(nodeId, 'room.join', { roomId, peerId });
    const transport = await this.call<{ transportId: string; ip: string; port: number }>(nodeId, 'transport.createPlain', {
      roomId,
      peerId,
      direction: 'send',
      comedia: true,
    });

    const codec = kind === 'audio' ? OPUS : VP8;
    const ssrc = Math.floor(Math.random() * 0xffffffff);
    const { producerId } = await this.call<{ producerId: string }>(nodeId, 'producer.create', {
      roomId,
      peerId,
      transportId: transport.transportId,
      kind,
      rtpParameters: { codecs: [codec], encodings: [{ ssrc }] },
    });

    const sender = await RtpSender.create({
      ssrc,
      payloadType: codec.payloadType,
      timestampStep: kind === 'audio' ? 960 : 3000,
      payloadHeader: kind === 'video' ? VP8_KEYFRAME_HEADER : undefined,
    });
    this.endpoints.push(sender);
    sender.start(transport.ip, transport.port);
    return { producerId, sender };
  }

  /** Joins a peer with a plain receive transport and consumes one producer into an RtpReceiver. */
  async subscribe(
    nodeId: string,
    roomId: string,
    peerId: string,
    producerId: string,
    producerNodeId: string,
  ): Promise<{ consumerId: string; payloadType: number; receiver: RtpReceiver }> {
    const { rtpCapabilities } = await this.call<{ rtpCapabilities: unknown }>(nodeId, 'room.join', { roomId, peerId });
    const transport = await this.call<{ transportId: string }>(nodeId, 'transport.createPlain', {
      roomId,
      peerId,
      direction: 'recv',
    });

    const receiver = await RtpReceiver.create();
    this.endpoints.push(receiver);
    await this.call(nodeId, 'transport.connectPlain', {
      roomId,
      peerId,
      transportId: transport.transportId,
      ip: '127.0.0.1',
      port: receiver.port,
    });

    const consumer = await this.call<{ consumerId: string; rtpParameters: { codecs: { payloadType: number }[] } }>(
      nodeId,
      'consumer.create',
      { roomId, peerId, transportId: transport.transportId, producerId, producerNodeId, rtpCapabilities, paused: false },
    );
    return { consumerId: consumer.consumerId, payloadType: consumer.rtpParameters.codecs[0]!.payloadType, receiver };
  }

  /** Field names of a Redis hash, for checks on registry entries. */
  async redisFields(key: string): Promise<string[]> {
    return this.connections[0]!.hkeys(key);
  }

  async metric(index: number, name: string): Promise<number> {
    const text = await (await fetch(`${this.cluster.sfu[index]!.url}/metrics`)).text();
    const line = text.split('\n').find((entry) => entry.startsWith(`${name}{`) || entry.startsWith(`${name} `));
    if (line === undefined) throw new Error(`metric ${name} not found`);
    return Number(line.split(' ').pop());
  }

  async stop(): Promise<void> {
    for (const endpoint of this.endpoints) endpoint.close();
    await this.rpc.close();
    for (const connection of this.connections) connection.disconnect();
    await this.cluster.stop();
  }
}
