import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';

import { startRedis, type RedisServer } from '@sfu-cluster/testkit';

import { createRegistry, type Registry, type RegistryOptions } from '../src/registry';
import { startHeartbeat } from '../src/heartbeat';
import type { NodeRecord, NodeState } from '../src/nodes';

/** A real redis-server on 127.0.0.1 and a registry under a prefix no other test file uses. */
export interface TestRegistry {
  server: RedisServer;
  redis: Redis;
  registry: Registry;
  prefix: string;
  /** Another client and registry on the same server, for concurrent callers; same prefix unless options name one. */
  connect(options?: Partial<RegistryOptions>): { redis: Redis; registry: Registry };
  /** A registry under a prefix of its own, so no node of one test is a candidate in another. */
  fresh(options?: Partial<RegistryOptions>): { redis: Redis; registry: Registry; prefix: string };
  /** Deletes every key under the prefix, closes every client and stops the server. */
  stop(): Promise<void>;
}

export async function startTestRegistry(options: Partial<RegistryOptions> = {}): Promise<TestRegistry> {
  const server = await startRedis();
  const prefix = `test-${randomUUID().slice(0, 8)}:`;
  const prefixes = [prefix];
  const clients: Redis[] = [];

  const connect = (extra: Partial<RegistryOptions> = {}) => {
    const redis = new Redis(server.url, { maxRetriesPerRequest: 2 });
    clients.push(redis);
    return { redis, registry: createRegistry(redis, { prefix, ...options, ...extra }) };
  };
  const fresh = (extra: Partial<RegistryOptions> = {}) => {
    const ownPrefix = `${prefix}${prefixes.length}:`;
    prefixes.push(ownPrefix);
    return { ...connect({ ...extra, prefix: ownPrefix }), prefix: ownPrefix };
  };
  const { redis, registry } = connect();

  return {
    server,
    redis,
    registry,
    prefix,
    connect,
    fresh,
    stop: async () => {
      // Every other prefix starts with the file's own, so one pattern finds them all.
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await Promise.all(clients.map((client) => client.quit()));
      await server.stop();
    },
  };
}

export interface NodeOptions {
  region?: string;
  maxPeers?: number;
  maxConsumers?: number;
  peers?: number;
  consumers?: number;
  cpu?: number;
  workers?: number;
  state?: NodeState;
}

/** A node record with no load and room for 10 peers and 1000 consumers unless options set other values. */
export function nodeRecord(id: string, options: NodeOptions = {}): NodeRecord {
  const workers = options.workers ?? 1;

  return {
    id,
    pipeAddress: '127.0.0.1',
    region: options.region ?? 'eu',
    workers,
    capacity: { maxPeers: options.maxPeers ?? 10, maxConsumers: options.maxConsumers ?? 1000 },
    load: {
      peers: options.peers ?? 0,
      producers: 0,
      consumers: options.consumers ?? 0,
      bitrateIn: 0,
      bitrateOut: 0,
      cpu: options.cpu ?? 0,
      workerPeers: new Array<number>(workers).fill(0),
    },
    state: options.state ?? 'active',
    version: '0.1.0',
    updatedAt: Date.now(),
  };
}

/** Counts how many results landed on each node id. */
export function countByNode(nodeIds: (string | undefined)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const nodeId of nodeIds) {
    if (nodeId !== undefined) counts.set(nodeId, (counts.get(nodeId) ?? 0) + 1);
  }
  return counts;
}

/**
 * Keeps node records alive with a heartbeat every second, as SFU nodes do,
 * for tests that may outlast the 3 s TTL. Returns a function that stops it.
 */
export async function keepNodesAlive(registry: Registry, records: NodeRecord[]): Promise<() => void> {
  const loops = records.map((record) =>
    startHeartbeat(registry.nodes, () => ({ ...record, updatedAt: Date.now() }), (error) => {
      throw error;
    }),
  );
  await Promise.all(loops.map((loop) => loop.first));

  return () => loops.forEach((loop) => loop.stop());
}
