import type { Redis } from 'ioredis';

import { RegistryError } from './errors';
import { assertId, type RegistryKeys } from './keys';
import { heartbeatScript, removeNodeScript, setNodeStateScript } from './lua/node-scripts';
import { runScript } from './script';

/** A node record lives this long after its last heartbeat; a missing record means the node is lost. */
export const NODE_TTL_MS = 3000;

/** How often a node should call heartbeat(), so that two missed beats still leave it alive. */
export const HEARTBEAT_INTERVAL_MS = 1000;

export type NodeState = 'active' | 'draining';

/** Limits placement keeps a node under, counting live load plus outstanding reservations. */
export interface NodeCapacity {
  maxPeers: number;
  maxConsumers: number;
}

/** Load measured by the node itself at its last heartbeat. */
export interface NodeLoad {
  peers: number;
  producers: number;
  consumers: number;
  /** Bits per second received from clients and pipes. */
  bitrateIn: number;
  /** Bits per second sent to clients and pipes. */
  bitrateOut: number;
  /** CPU use of the node's workers, 0 to 1 per worker averaged over the workers. */
  cpu: number;
  /** Peers per worker, indexed by worker index; its length equals workers. */
  workerPeers: number[];
}

/** The registry's view of one SFU node. */
export interface NodeRecord {
  id: string;
  /** Address the node's PipeTransports listen on (SFU_PIPE_IP), reachable by other nodes. */
  pipeAddress: string;
  region: string;
  /** Number of mediasoup workers; worker indexes run from 0 to workers - 1. */
  workers: number;
  capacity: NodeCapacity;
  load: NodeLoad;
  state: NodeState;
  /** Software version of the node, so a rolling upgrade is visible. */
  version: string;
  /** Milliseconds since the epoch when the node wrote this record. */
  updatedAt: number;
}

/**
 * Node records: each SFU node writes its own every second; placement,
 * the operator console and lost-node recovery read them.
 */
export class NodeRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RegistryKeys,
  ) {}

  /**
   * Writes the node's record with a 3 s TTL and its load score in the
   * by-load zsets placement reads. Returns the stored record, whose state
   * stays draining once setState() drained the node.
   */
  async heartbeat(record: NodeRecord, now = Date.now()): Promise<NodeRecord> {
    assertNodeRecord(record);

    const keys = [this.keys.node(record.id), this.keys.nodes];
    const { load, capacity } = record;
    const args = [
      JSON.stringify(record),
      NODE_TTL_MS,
      record.id,
      this.keys.prefix,
      now,
      record.region,
      record.state,
      load.peers,
      load.consumers,
      load.cpu,
      capacity.maxPeers,
      capacity.maxConsumers,
      load.workerPeers.join(','),
    ];
    const stored = await runScript(this.redis, heartbeatScript, keys, args);

    return parseNodeRecord(stored as string);
  }

  /**
   * Sets the state of a live node; draining removes it from placement at
   * once. Raises NODE_NOT_FOUND when the record has expired.
   */
  async setState(nodeId: string, state: NodeState, now = Date.now()): Promise<NodeRecord> {
    assertId('node id', nodeId);
    if (state !== 'active' && state !== 'draining') {
      throw new TypeError(`invalid node state "${String(state)}": use active or draining`);
    }

    const stored = await runScript(this.redis, setNodeStateScript, [this.keys.node(nodeId)], [state, now, this.keys.prefix]);
    if (stored === null) {
      throw new RegistryError('NODE_NOT_FOUND', `node ${nodeId} has no live record; it must send a heartbeat first`);
    }

    return parseNodeRecord(stored as string);
  }

  /** Returns the live record of a node, or undefined when it expired or never existed. */
  async get(nodeId: string): Promise<NodeRecord | undefined> {
    const stored = await this.redis.get(this.keys.node(nodeId));
    return stored === null ? undefined : parseNodeRecord(stored);
  }

  /** Returns the records of every live node, ordered by node id. */
  async list(): Promise<NodeRecord[]> {
    const { live } = await this.readIndex();
    return live;
  }

  /**
   * Returns the ids of nodes that sent heartbeats once and whose record has
   * expired since: the lost nodes that recovery has not removed yet.
   */
  async expiredNodeIds(): Promise<string[]> {
    const { expired } = await this.readIndex();
    return expired;
  }

  /** Returns the live records and the expired node ids from one read of the index. */
  async index(): Promise<{ live: NodeRecord[]; expired: string[] }> {
    return this.readIndex();
  }

  /**
   * Deletes only a node's record, so the node reads as expired at once:
   * placement skips it and recovery treats it as lost. A node that is in
   * fact alive writes its record again with its next heartbeat.
   */
  async expire(nodeId: string): Promise<void> {
    assertId('node id', nodeId);

    await this.redis.del(this.keys.node(nodeId));
  }

  /** Deletes a node's record, its reservations and its index entries, for a clean exit or after recovery. */
  async remove(nodeId: string): Promise<void> {
    assertId('node id', nodeId);

    await runScript(this.redis, removeNodeScript, [this.keys.nodes], [nodeId, this.keys.prefix]);
  }

  private async readIndex(): Promise<{ live: NodeRecord[]; expired: string[] }> {
    const nodeIds = (await this.redis.smembers(this.keys.nodes)).sort();
    if (nodeIds.length === 0) return { live: [], expired: [] };

    const stored = await this.redis.mget(nodeIds.map((nodeId) => this.keys.node(nodeId)));

    const live: NodeRecord[] = [];
    const expired: string[] = [];
    nodeIds.forEach((nodeId, index) => {
      const json = stored[index];
      if (json === null || json === undefined) expired.push(nodeId);
      else live.push(parseNodeRecord(json));
    });
    return { live, expired };
  }
}

/** Parses a stored node record, repairing the one shape Lua's cjson changes: an empty array becomes {}. */
export function parseNodeRecord(json: string): NodeRecord {
  const record = JSON.parse(json) as NodeRecord;
  if (!Array.isArray(record.load.workerPeers)) record.load.workerPeers = [];
  return record;
}

function assertNodeRecord(record: NodeRecord): void {
  assertId('node id', record.id);

  if (!Number.isInteger(record.workers) || record.workers < 1) {
    throw new TypeError(`invalid workers ${record.workers} for node ${record.id}: use an integer of 1 or more`);
  }
  for (const limit of ['maxPeers', 'maxConsumers'] as const) {
    const value = record.capacity[limit];
    if (!Number.isFinite(value) || value < 0) {
      throw new TypeError(`invalid capacity.${limit} ${value} for node ${record.id}: use a number of 0 or more`);
    }
  }
  // The heartbeat script computes the load score from these, so a missing one must fail here, not in Lua.
  for (const figure of ['peers', 'consumers', 'cpu'] as const) {
    const value = record.load[figure];
    if (!Number.isFinite(value) || value < 0) {
      throw new TypeError(`invalid load.${figure} ${value} for node ${record.id}: use a number of 0 or more`);
    }
  }
  if (typeof record.region !== 'string') {
    throw new TypeError(`invalid region ${String(record.region)} for node ${record.id}: use a string`);
  }
  if (record.load.workerPeers.length !== record.workers) {
    throw new TypeError(
      `load.workerPeers of node ${record.id} has ${record.load.workerPeers.length} entries; use one per worker (${record.workers})`,
    );
  }
  if (record.state !== 'active' && record.state !== 'draining') {
    throw new TypeError(`invalid state "${String(record.state)}" for node ${record.id}: use active or draining`);
  }
}
