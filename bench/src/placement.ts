import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { Redis } from 'ioredis';

import { createRegistry, RegistryKeys, type NodeRecord, type Registry } from '@sfu-cluster/registry';
import { startRedis } from '@sfu-cluster/testkit';

import { CpuMeter } from './cpu';
import { benchResult, quantile, type Bar, type BenchResult } from './result';
import { ensureCommand } from './tools';

export interface PlacementBenchOptions {
  /** Node records in the registry while placements run. */
  nodes: number;
  /** Rooms created by placement before the measurement. */
  rooms: number;
  /** Nodes registered while the rooms are seeded; the rest register afterwards. */
  seedNodes: number;
  /** Concurrent placement clients, each on its own connection; redis-benchmark uses as many. */
  clients: number;
  /** Seconds of measured placements. */
  durationSeconds: number;
  /** Share of measured placements that open a new room instead of joining a seeded one. */
  newRoomShare: number;
  log: (line: string) => void;
}

const PREFIX = 'bench:';
const WORKERS_PER_NODE = 4;
const REGIONS = ['eu', 'us', 'ap'];
/** Concurrent placements while seeding rooms. */
const SEED_CONCURRENCY = 64;
/** Minimum no-op EVALs per redis-benchmark run, so a fast Redis still runs long enough to measure. */
const MIN_NOOP_REQUESTS = 100_000;

/**
 * Placement rate and latency of the registry's placement script with
 * options.nodes live node records and options.rooms rooms, against the
 * rate of a no-op EVAL from redis-benchmark on the same Redis.
 */
export async function runPlacementBench(options: PlacementBenchOptions): Promise<BenchResult> {
  ensureCommand('redis-benchmark', 'redis-tools', options.log);

  const server = await startRedis();
  const connections: Redis[] = [];
  const connect = (): Redis => {
    const connection = new Redis(server.url, { maxRetriesPerRequest: 2 });
    connections.push(connection);
    return connection;
  };
  const heartbeats = new NodeHeartbeats(createRegistry(connect(), { prefix: PREFIX }));

  try {
    // Rooms first, on a few nodes, as in the runs before placement used the by-load zsets,
    // so that figures stay comparable: the hosting nodes carry most reservations.
    heartbeats.live = options.seedNodes;
    await heartbeats.beat();
    heartbeats.start();
    const seedStarted = Date.now();
    await seedRooms(createRegistry(connect(), { prefix: PREFIX, reservationTtlMs: 1, decisionsKept: 1 }), options.rooms);
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    options.log(`placement: seeded ${options.rooms} rooms on ${options.seedNodes} nodes in ${seedSeconds.toFixed(1)} s`);

    heartbeats.live = options.nodes;
    await heartbeats.beat();

    const noop = await runNoopBaseline(server.port, options.clients, options.durationSeconds);
    options.log(`placement: no-op EVAL ${Math.round(noop.rate)}/s, p99 ${noop.p99Ms} ms`);

    const registries = Array.from({ length: options.clients }, () => createRegistry(connect(), { prefix: PREFIX }));
    // One client alone shows the script's own latency, without the queue of concurrent calls.
    const single = await measurePlacements('single', registries.slice(0, 1), { ...options, durationSeconds: Math.min(3, options.durationSeconds) });
    options.log(`placement: one client ${Math.round(single.rate)}/s, p50 ${single.p50Ms.toFixed(2)} ms`);

    const redisCpu = new CpuMeter([server.process.pid]);
    redisCpu.start();
    const measured = await measurePlacements('concurrent', registries, options);
    const { cpuSeconds, wallSeconds } = redisCpu.stop();
    options.log(`placement: ${Math.round(measured.rate)}/s, p99 ${measured.p99Ms.toFixed(2)} ms`);

    const decisionBytes = await meanDecisionBytes(connections[0]!, options.rooms);
    const memory = await connections[0]!.info('memory');
    const usedMemory = Number(/used_memory:(\d+)/.exec(memory)?.[1] ?? NaN);
    const redisCores = cpuSeconds / wallSeconds;
    return report(options, { measured, single, noop, seedSeconds, usedMemory, redisCores, decisionBytes, heartbeatErrors: heartbeats.errors });
  } finally {
    heartbeats.stop();
    for (const connection of connections) connection.disconnect();
    await server.stop();
  }
}

/** Heartbeat phases per second: each node beats in one of them, as SFU nodes started at different times do. */
const HEARTBEAT_PHASES = 20;

/** Keeps node records alive as SFU nodes do: every node's heartbeat() once a second, spread over the second. */
class NodeHeartbeats {
  /** Nodes 0 to live - 1 send heartbeats. */
  live = 0;
  errors = 0;
  private timer?: NodeJS.Timeout;
  private phase = 0;
  private inFlight = false;

  constructor(private readonly registry: Registry) {}

  /** Writes the records of the live nodes, all at once. */
  async beat(): Promise<void> {
    await this.beatPhase(undefined);
  }

  /**
   * Beats one phase of the nodes every 1000 / HEARTBEAT_PHASES ms. A burst
   * of all 1,000 beats at once would stall this process's event loop, which
   * also runs the measured clients, for tens of milliseconds each second.
   */
  start(): void {
    this.timer = setInterval(() => {
      if (this.inFlight) return;
      this.inFlight = true;
      this.phase = (this.phase + 1) % HEARTBEAT_PHASES;
      this.beatPhase(this.phase)
        .catch(() => (this.errors += 1))
        .finally(() => (this.inFlight = false));
    }, 1000 / HEARTBEAT_PHASES);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Writes the records of the live nodes in phase, or of all live nodes when phase is undefined. */
  private async beatPhase(phase: number | undefined): Promise<void> {
    const now = Date.now();
    const beats: Promise<unknown>[] = [];
    for (let index = 0; index < this.live; index += 1) {
      if (phase === undefined || index % HEARTBEAT_PHASES === phase) beats.push(this.registry.nodes.heartbeat(nodeRecord(index, now)));
    }
    await Promise.all(beats);
  }
}

/** The record of node index: capacity for every placement of the run, and a load that varies by node so load scores differ. */
function nodeRecord(index: number, now: number): NodeRecord {
  const peers = (index * 37) % 200;
  return {
    id: `node-${String(index).padStart(4, '0')}`,
    pipeAddress: '127.0.0.1',
    region: REGIONS[index % REGIONS.length]!,
    workers: WORKERS_PER_NODE,
    capacity: { maxPeers: 1_000_000, maxConsumers: 10_000_000 },
    load: {
      peers,
      producers: peers,
      consumers: peers * 4,
      bitrateIn: peers * 500_000,
      bitrateOut: peers * 2_000_000,
      cpu: (index % 10) / 20,
      workerPeers: Array.from({ length: WORKERS_PER_NODE }, (_, worker) => Math.floor(peers / WORKERS_PER_NODE) + (worker % 2)),
    },
    state: 'active',
    version: 'bench',
    updatedAt: now,
  };
}

function seededRoomId(index: number): string {
  return `room-${index}`;
}

/** Creates count rooms by placing their first peer, SEED_CONCURRENCY placements at a time. */
async function seedRooms(registry: Registry, count: number): Promise<void> {
  let next = 0;
  const seedOne = async (): Promise<void> => {
    for (let index = next++; index < count; index = next++) {
      const result = await registry.placement.place({
        roomId: seededRoomId(index),
        peerId: 'seed',
        reservationId: `seed-${index}`,
        region: REGIONS[index % REGIONS.length],
        cost: { peers: 1, consumers: 4 },
      });
      if (!result.placed) throw new Error(`seeding room ${index} was rejected by rule ${result.decision.rule}`);
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, seedOne));
}

/** Mean size of the newest stored decision of the first 100 seeded rooms, most of which took measured joins. */
async function meanDecisionBytes(redis: Redis, rooms: number): Promise<number> {
  const keys = new RegistryKeys(PREFIX);
  const sampled = Array.from({ length: Math.min(100, rooms) }, (_, index) => keys.roomDecisions(seededRoomId(index)));

  const sizes = await Promise.all(sampled.map(async (key) => (await redis.lindex(key, 0))?.length ?? 0));
  return sizes.reduce((sum, size) => sum + size, 0) / Math.max(sizes.length, 1);
}

interface Rate {
  count: number;
  rate: number;
  p50Ms: number;
  p99Ms: number;
}

/** Runs place() in a closed loop on every registry for the duration; latency is per call, as a signaling node would measure it. */
async function measurePlacements(label: string, registries: Registry[], options: PlacementBenchOptions): Promise<Rate & { rejected: number }> {
  const latencies: number[] = [];
  let rejected = 0;
  let newRooms = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(options.durationSeconds * 1e9);

  const client = async (registry: Registry, clientIndex: number): Promise<void> => {
    for (let call = 0; process.hrtime.bigint() < deadline; call++) {
      const roomId = Math.random() < options.newRoomShare ? `new-${label}-${clientIndex}-${newRooms++}` : seededRoomId(Math.floor(Math.random() * options.rooms));
      const reservationId = `${label}-${clientIndex}-${call}`;

      const before = process.hrtime.bigint();
      const result = await registry.placement.place({
        roomId,
        peerId: reservationId,
        reservationId,
        region: REGIONS[call % REGIONS.length],
        cost: { peers: 1, consumers: 4 },
      });
      latencies.push(Number(process.hrtime.bigint() - before) / 1e6);
      if (!result.placed) rejected += 1;
    }
  };
  await Promise.all(registries.map(client));

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    rate: latencies.length / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    rejected,
  };
}

/**
 * Runs redis-benchmark with a no-op EVAL for about durationSeconds (its
 * request count is sized from a short calibration run) and parses its CSV line.
 */
async function runNoopBaseline(port: number, clients: number, durationSeconds: number): Promise<Rate> {
  const calibration = await redisBenchmark(port, clients, MIN_NOOP_REQUESTS);
  const requests = Math.max(MIN_NOOP_REQUESTS, Math.round(calibration.rate * durationSeconds));
  return redisBenchmark(port, clients, requests);
}

async function redisBenchmark(port: number, clients: number, requests: number): Promise<Rate> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-c', String(clients), '-n', String(requests), '--csv', 'eval', 'return 1', '0'];
  const { stdout } = await promisify(execFile)('redis-benchmark', args, { timeout: 600_000 });

  // CSV: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const row = stdout.trim().split('\n').pop() ?? '';
  const fields = row.split('","').map((field) => field.replace(/"/g, ''));
  const [rate, p50, p99] = [Number(fields[1]), Number(fields[4]), Number(fields[6])];
  if (fields.length < 8 || !Number.isFinite(rate) || !Number.isFinite(p99)) {
    throw new Error(`could not parse redis-benchmark output (redis-benchmark ${args.join(' ')}):\n${stdout}`);
  }
  return { count: requests, rate, p50Ms: p50, p99Ms: p99 };
}

interface Measurements {
  measured: Rate & { rejected: number };
  /** The same placements from one client at a time. */
  single: Rate;
  noop: Rate;
  seedSeconds: number;
  usedMemory: number;
  /** CPU of redis-server during the placements, in cores. */
  redisCores: number;
  decisionBytes: number;
  heartbeatErrors: number;
}

const P99_LIMIT_MS = 2;
const RATE_BAR = 0.3;

function report(options: PlacementBenchOptions, { measured, single, noop, seedSeconds, usedMemory, redisCores, decisionBytes, heartbeatErrors }: Measurements): BenchResult {
  const ratio = measured.rate / noop.rate;
  const bars: Bar[] = [
    { bar: `placement rate / no-op EVAL rate >= ${RATE_BAR}`, value: ratio, met: ratio >= RATE_BAR },
    { bar: `placement p99 < ${P99_LIMIT_MS} ms`, value: measured.p99Ms, met: measured.p99Ms < P99_LIMIT_MS },
  ];
  const notes = [
    `The ${options.rooms} rooms were created by the placement script while only ${options.seedNodes} nodes were registered, ` +
      `so they sit on those nodes; the other ${options.nodes - options.seedNodes} registered afterwards. ` +
      `Seeding took ${seedSeconds.toFixed(1)} s.`,
    'Each placement examines the nodes hosting the room, and only when none of them fits, the first few live active nodes of the ' +
      'region\'s and then the global by-load zset; the decision lists those nodes only, so its cost does not grow with the node count.',
    'Latency is per place() call from the client: one EVALSHA of the script. The no-op figures are redis-benchmark\'s own.',
    `All ${options.nodes} nodes sent heartbeat() once a second during the run, as live SFU nodes do, spread over ${HEARTBEAT_PHASES} phases of the second; heartbeat errors: ${heartbeatErrors}.`,
  ];
  if (measured.rejected > 0) notes.push(`${measured.rejected} placements were rejected.`);
  if (!bars.every((bar) => bar.met)) {
    const limit =
      redisCores > 0.8
        ? `redis-server used ${redisCores.toFixed(2)} cores during the placements, near all a single-threaded server can use, so Redis is the limit`
        : `redis-server used only ${redisCores.toFixed(2)} cores during the placements, so the machine's other load also held it back`;
    notes.push(
      `Missed: ${limit}. A join to a room whose node fits runs about 17 Redis commands inside the script and encodes its decision ` +
        'and reservation as JSON, while the no-op does none of that work.',
    );
  }

  return benchResult({
    name: 'placement',
    title: `Placement with ${options.nodes} nodes and ${options.rooms} rooms`,
    figures: {
      rate: { value: measured.rate, unit: 'placements/s' },
      p50: { value: measured.p50Ms, unit: 'ms' },
      p99: { value: measured.p99Ms, unit: 'ms' },
      placements: { value: measured.count, unit: 'calls' },
      oneClientP50: { value: single.p50Ms, unit: 'ms' },
      redisCpu: { value: redisCores, unit: 'cores' },
      redisMemory: { value: usedMemory / 2 ** 20, unit: 'MiB' },
      decisionSize: { value: decisionBytes, unit: 'bytes' },
    },
    baseline: {
      what: `redis-benchmark -c ${options.clients} eval "return 1" 0 on the same Redis`,
      figures: {
        rate: { value: noop.rate, unit: 'EVAL/s' },
        p50: { value: noop.p50Ms, unit: 'ms' },
        p99: { value: noop.p99Ms, unit: 'ms' },
      },
    },
    ratio,
    bars,
    settings: { ...options, log: undefined },
    notes,
  });
}
