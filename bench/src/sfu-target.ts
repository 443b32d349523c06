import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

import { Redis } from 'ioredis';

import { createLogger } from '@sfu-cluster/logger';
import { RpcClient } from '@sfu-cluster/rpc';
import { freePort, startCluster, type LocalCluster } from '@sfu-cluster/testkit';

import { measureForwarding, type ForwardingRun, type ForwardingWindow } from './forwarding';
import { OPUS_PAYLOAD_TYPE, Publishers, Sinks, VP8_PAYLOAD_TYPE, type PublisherTarget, type WorkloadShape } from './workload';

const OPUS = { mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: OPUS_PAYLOAD_TYPE };
/** Without PLI or FIR feedback a producer could not ask its sender for a keyframe. */
const VP8 = {
  mimeType: 'video/VP8',
  clockRate: 90000,
  payloadType: VP8_PAYLOAD_TYPE,
  rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
};

const RPC_TIMEOUT_MS = 10_000;

/** Returns the ids of the processes whose parent is pid, read from /proc. */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) children.push(Number(entry));
    } catch {
      // The process exited while the list was read.
    }
  }
  return children;
}

/**
 * SFU nodes started by the local cluster launcher with Redis and no
 * signaling. The benchmark plays the signaling node and calls the nodes
 * over RPC, as the SFU's own tests do.
 */
export class SfuTarget {
  private constructor(
    readonly cluster: LocalCluster,
    private readonly rpc: RpcClient,
    private readonly connections: Redis[],
  ) {}

  static async start(nodes: number): Promise<SfuTarget> {
    const cluster = await startCluster({
      signalingPorts: [],
      lifecyclePort: null,
      webPort: null,
      sfuPorts: await Promise.all(Array.from({ length: nodes }, () => freePort())),
      workerNum: 1,
      env: { LOG_LEVEL: 'warn' },
    });
    const publisher = new Redis(cluster.redisUrl);
    const subscriber = new Redis(cluster.redisUrl);
    const logger = createLogger({ service: 'bench', level: 'error' });
    const rpc = new RpcClient({ publisher, subscriber, prefix: cluster.prefix, clientId: 'bench', logger });
    await rpc.start();
    return new SfuTarget(cluster, rpc, [publisher, subscriber]);
  }

  nodeId(index: number): string {
    return this.cluster.sfu[index]!.nodeId;
  }

  /**
   * Returns the SFU node processes and their mediasoup worker processes, of
   * every node or of the node at index. Raises when a node has no worker process.
   */
  pids(index?: number): number[] {
    const nodes = index === undefined ? this.cluster.sfu : [this.cluster.sfu[index]!];
    return nodes.flatMap((node) => {
      const workers = childPids(node.process.pid);
      if (workers.length === 0) throw new Error(`no mediasoup worker process found under ${node.nodeId} (pid ${node.process.pid})`);
      return [node.process.pid, ...workers];
    });
  }

  private call<T>(nodeId: string, method: string, params: unknown): Promise<T> {
    return this.rpc.call<T>(nodeId, method, params, RPC_TIMEOUT_MS);
  }

  /** Joins one publisher per shape publisher on nodeId, each with a plain transport (comedia) and one producer. */
  async publish(nodeId: string, roomId: string, shape: WorkloadShape): Promise<{ targets: PublisherTarget[]; producerIds: string[] }> {
    const targets: PublisherTarget[] = [];
    const producerIds: string[] = [];
    for (let index = 0; index < shape.publishers; index++) {
      const peerId = `publisher-${index}`;
      await this.call(nodeId, 'room.join', { roomId, peerId });
      const transport = await this.call<{ transportId: string; port: number }>(nodeId, 'transport.createPlain', {
        roomId,
        peerId,
        direction: 'send',
        comedia: true,
      });

      const ssrc = randomInt(1, 2 ** 31);
      const { producerId } = await this.call<{ producerId: string }>(nodeId, 'producer.create', {
        roomId,
        peerId,
        transportId: transport.transportId,
        kind: shape.kind,
        rtpParameters: { codecs: [shape.kind === 'audio' ? OPUS : VP8], encodings: [{ ssrc }] },
      });
      targets.push({ port: transport.port, ssrc });
      producerIds.push(producerId);
    }
    return { targets, producerIds };
  }

  /** Joins a subscriber on nodeId whose plain transport sends to sinkPort, consuming every producer. */
  async subscribe(nodeId: string, roomId: string, peerId: string, sinkPort: number, producerIds: string[], producerNodeId: string): Promise<void> {
    const { rtpCapabilities } = await this.call<{ rtpCapabilities: unknown }>(nodeId, 'room.join', { roomId, peerId });
    const transport = await this.call<{ transportId: string }>(nodeId, 'transport.createPlain', { roomId, peerId, direction: 'recv' });
    await this.call(nodeId, 'transport.connectPlain', { roomId, peerId, transportId: transport.transportId, ip: '127.0.0.1', port: sinkPort });

    for (const producerId of producerIds) {
      await this.call(nodeId, 'consumer.create', {
        roomId,
        peerId,
        transportId: transport.transportId,
        producerId,
        producerNodeId,
        rtpCapabilities,
        paused: false,
      });
    }
  }

  async stop(): Promise<void> {
    await this.rpc.close();
    for (const connection of this.connections) connection.disconnect();
    await this.cluster.stop();
  }
}

/**
 * Starts nodeCount SFU nodes and measures the workload with the CPU groups
 * that pidGroups picks. Publishers go on the first node, and each
 * subscriber on the node at its index in subscriberNodes. Without
 * subscriberNodes, every subscriber is on the first node and no media
 * crosses a pipe.
 */
export async function measureSfuForwarding(
  nodeCount: number,
  roomId: string,
  options: ForwardingWindow & { shape: WorkloadShape; subscriberNodes?: number[] },
  pidGroups: (target: SfuTarget) => Record<string, number[]>,
): Promise<ForwardingRun> {
  const target = await SfuTarget.start(nodeCount);
  const sinks = await Sinks.create(options.subscribers);
  try {
    const nodeId = target.nodeId(0);
    const { targets, producerIds } = await target.publish(nodeId, roomId, options.shape);
    for (const [index, sinkPort] of sinks.ports.entries()) {
      const subscriberNodeId = target.nodeId(options.subscriberNodes?.[index] ?? 0);
      await target.subscribe(subscriberNodeId, roomId, `subscriber-${index}`, sinkPort, producerIds, nodeId);
    }

    const publishers = await Publishers.create(options.shape, targets);
    try {
      return await measureForwarding(publishers, sinks, pidGroups(target), options);
    } finally {
      publishers.close();
    }
  } finally {
    sinks.close();
    await target.stop();
  }
}
