import { randomUUID } from 'node:crypto';

import { createRegistry, type NodeRecord, type Redis, type Registry } from '@sfu-cluster/registry';

import type { ScalingRule } from './rule';
import type { RoomTrace } from './trace';

/** The result of one simulated day. */
export interface SimulationReport {
  rooms: number;
  joins: number;
  rejectedJoins: number;
  peakNodes: number;
  meanNodes: number;
  /** Load carried over capacity provisioned, both integrated over the day; load is max(consumers, peers) of each node's capacity. */
  utilisation: number;
  drains: number;
  /** Rooms moved off a node whose drain deadline passed with the room still there. */
  migrations: number;
  /** Nodes removed while they still had peers; must stay 0. */
  removalsWithRooms: number;
  samples: { time: number; nodes: number; draining: number; load: number }[];
}

interface SimNode {
  id: string;
  readyAt: number;
  state: 'starting' | 'active' | 'draining';
  drainDeadline: number;
  /** Peers per worker. */
  workerPeers: number[];
}

interface SimRoom {
  trace: RoomTrace;
  /** peerId -> node id and worker. */
  peers: Map<string, { nodeId: string; workerIndex: number }>;
}

type Event = { time: number; kind: 'join' | 'leave'; room: RoomTrace; peerIndex: number };

const START = Date.UTC(2026, 0, 5);
const SAMPLE_SECONDS = 60;
const HEARTBEAT_SECONDS = 30;
/** Seconds from a scale-up decision until the new pod sends its first heartbeat (image pulled, workers up): an estimate. */
const POD_START_SECONDS = 60;
/** Mean egress per consumer for the bitrate gauge, bits per second: an estimate. */
const BITRATE_PER_CONSUMER = 400_000;

/**
 * Runs the day: the placement Lua script on a real Redis decides every
 * join, simulated SFU nodes heartbeat their load, and the autoscaler rule
 * from the manifests adds nodes and drains the least-loaded one.
 */
export async function simulate(redis: Redis, rule: ScalingRule, trace: RoomTrace[]): Promise<SimulationReport> {
  const registry = createRegistry(redis, { prefix: `sim:${randomUUID().slice(0, 8)}:` });
  const sim = new Simulation(registry, rule);
  return sim.run(trace);
}

class Simulation {
  private readonly nodes = new Map<string, SimNode>();
  private readonly rooms = new Map<string, SimRoom>();
  private nodeCounter = 0;
  private lastWallHeartbeat = 0;
  private readonly recommendations: { time: number; replicas: number }[] = [];
  private lastScaleUp = { time: -Infinity, pods: 0 };
  private lastScaleDown = -Infinity;
  private report: SimulationReport = {
    rooms: 0, joins: 0, rejectedJoins: 0, peakNodes: 0, meanNodes: 0, utilisation: 0,
    drains: 0, migrations: 0, removalsWithRooms: 0, samples: [],
  };

  constructor(
    private readonly registry: Registry,
    private readonly rule: ScalingRule,
  ) {}

  async run(trace: RoomTrace[]): Promise<SimulationReport> {
    this.report.rooms = trace.length;
    for (let i = 0; i < this.rule.minReplicas; i++) this.addNode(-POD_START_SECONDS);

    const events: Event[] = [];
    for (const room of trace) {
      for (let peer = 0; peer < room.size; peer++) {
        // Peers arrive over the first 3 minutes and leave over the last one.
        const join = room.start + (peer / room.size) * Math.min(180, room.duration / 2);
        events.push({ time: join, kind: 'join', room, peerIndex: peer });
        events.push({ time: room.start + room.duration - (peer / room.size) * 60, kind: 'leave', room, peerIndex: peer });
      }
    }
    events.sort((a, b) => a.time - b.time);

    let nextTick = 0;
    let loadIntegral = 0;
    let nodeIntegral = 0;
    const end = Math.max(86_400, ...events.map((event) => event.time)) + this.rule.drainTimeoutSeconds;
    let index = 0;
    for (let time = 0; time <= end; time += this.rule.pollingSeconds) {
      // Bounded: one pass per polling interval over a finite day.
      while (index < events.length && (events[index] as Event).time < time) {
        const event = events[index] as Event;
        if (event.kind === 'join') await this.join(event);
        else await this.leave(event);
        index += 1;
        await this.heartbeatIfDue(event.time);
      }
      if (time >= nextTick) {
        await this.heartbeat(time);
        nextTick = time + HEARTBEAT_SECONDS;
      }
      await this.autoscale(time);
      await this.finishDrains(time);

      if (time % SAMPLE_SECONDS === 0 && time <= 86_400) {
        const load = this.totalLoad();
        const draining = [...this.nodes.values()].filter((node) => node.state === 'draining').length;
        this.report.samples.push({ time, nodes: this.nodes.size, draining, load });
        loadIntegral += load;
        nodeIntegral += this.nodes.size;
        this.report.peakNodes = Math.max(this.report.peakNodes, this.nodes.size);
      }
    }

    this.report.meanNodes = nodeIntegral / this.report.samples.length;
    this.report.utilisation = loadIntegral / nodeIntegral;
    return this.report;
  }

  private addNode(time: number): void {
    this.nodeCounter += 1;
    const id = `sfu-${this.nodeCounter}`;
    this.nodes.set(id, { id, readyAt: time + POD_START_SECONDS, state: 'starting', drainDeadline: Infinity, workerPeers: new Array(this.rule.workers).fill(0) });
  }

  private async join(event: Event, migrated = false): Promise<boolean> {
    const room = this.rooms.get(event.room.id) ?? { trace: event.room, peers: new Map() };
    this.rooms.set(event.room.id, room);
    const peerId = `${event.room.id}-p${event.peerIndex}`;
    const reservationId = randomUUID();
    const now = START + event.time * 1000;
    if (!migrated) this.report.joins += 1;

    const result = await this.registry.placement.place({
      roomId: event.room.id,
      peerId,
      reservationId,
      cost: { peers: 1, consumers: room.peers.size * 2 },
      now,
    });
    if (!result.placed) {
      this.report.rejectedJoins += 1;
      return false;
    }
    await this.registry.placement.confirm(reservationId, now);

    room.peers.set(peerId, { nodeId: result.nodeId, workerIndex: result.workerIndex });
    const node = this.nodes.get(result.nodeId) as SimNode;
    node.workerPeers[result.workerIndex] = (node.workerPeers[result.workerIndex] ?? 0) + 1;
    return true;
  }

  private async leave(event: Event): Promise<void> {
    const room = this.rooms.get(event.room.id);
    const peerId = `${event.room.id}-p${event.peerIndex}`;
    const placed = room?.peers.get(peerId);
    if (room === undefined || placed === undefined) return;

    room.peers.delete(peerId);
    const node = this.nodes.get(placed.nodeId);
    if (node) node.workerPeers[placed.workerIndex] = (node.workerPeers[placed.workerIndex] ?? 1) - 1;

    const stillThere = [...room.peers.values()].some((peer) => peer.nodeId === placed.nodeId && peer.workerIndex === placed.workerIndex);
    if (!stillThere) await this.registry.rooms.removeRouter(room.trace.id, placed.nodeId, placed.workerIndex);
    if (room.peers.size === 0 && event.time >= room.trace.start + room.trace.duration - 60) {
      this.rooms.delete(room.trace.id);
      await this.registry.rooms.remove(room.trace.id);
    }
  }

  /** Consumers and peers per node, from the rooms: every peer consumes two tracks of every other peer. */
  private nodeLoad(): Map<string, { peers: number; consumers: number }> {
    const load = new Map<string, { peers: number; consumers: number }>();
    for (const node of this.nodes.keys()) load.set(node, { peers: 0, consumers: 0 });
    for (const room of this.rooms.values()) {
      for (const { nodeId } of room.peers.values()) {
        const entry = load.get(nodeId);
        if (entry === undefined) continue;
        entry.peers += 1;
        entry.consumers += 2 * (room.peers.size - 1);
      }
    }
    return load;
  }

  private units(load: { peers: number; consumers: number }): number {
    return Math.max(load.consumers / this.rule.consumersPerNode, load.peers / this.rule.peersPerNode);
  }

  private totalLoad(): number {
    let total = 0;
    for (const entry of this.nodeLoad().values()) total += this.units(entry);
    return total;
  }

  private async heartbeatIfDue(time: number): Promise<void> {
    // Node records expire 3 s of wall time after a heartbeat, however fast simulated time runs.
    if (Date.now() - this.lastWallHeartbeat > 1000) await this.heartbeat(time);
  }

  private async heartbeat(time: number): Promise<void> {
    this.lastWallHeartbeat = Date.now();
    const load = this.nodeLoad();
    const writes: Promise<NodeRecord>[] = [];
    for (const node of this.nodes.values()) {
      if (node.state === 'starting' && time >= node.readyAt) node.state = 'active';
      if (node.state === 'starting') continue;
      const { peers, consumers } = load.get(node.id) ?? { peers: 0, consumers: 0 };
      writes.push(
        this.registry.nodes.heartbeat({
          id: node.id,
          pipeAddress: '127.0.0.1',
          region: 'default',
          workers: this.rule.workers,
          capacity: { maxPeers: this.rule.peersPerNode, maxConsumers: this.rule.consumersPerNode },
          load: { peers, producers: peers * 2, consumers, bitrateIn: peers * 2 * BITRATE_PER_CONSUMER, bitrateOut: consumers * BITRATE_PER_CONSUMER, cpu: 0, workerPeers: [...node.workerPeers] },
          state: node.state === 'draining' ? 'draining' : 'active',
          version: 'simulated',
          updatedAt: START + time * 1000,
        }),
      );
    }
    await Promise.all(writes);
  }

  /** The HPA algorithm KEDA configures: AverageValue target, 10% tolerance, stabilization window, rate policies. */
  private async autoscale(time: number): Promise<void> {
    const load = this.nodeLoad();
    let metric = 0;
    let current = 0;
    for (const node of this.nodes.values()) {
      if (node.state === 'draining') continue;
      current += 1;
      metric += this.units(load.get(node.id) ?? { peers: 0, consumers: 0 });
    }

    let desired = Math.ceil(metric / this.rule.threshold);
    if (Math.abs(metric / (this.rule.threshold * current) - 1) <= 0.1) desired = current;
    desired = Math.min(this.rule.maxReplicas, Math.max(this.rule.minReplicas, desired));

    this.recommendations.push({ time, replicas: desired });
    while ((this.recommendations[0]?.time ?? time) < time - this.rule.scaleDownWindowSeconds) this.recommendations.shift();
    const stabilized = Math.max(...this.recommendations.map((entry) => entry.replicas));

    if (desired > current) {
      const inPeriod = time - this.lastScaleUp.time < this.rule.scaleUpPeriodSeconds ? this.lastScaleUp.pods : 0;
      const pods = Math.min(desired - current, this.rule.scaleUpPods - inPeriod);
      for (let i = 0; i < pods; i++) this.addNode(time);
      if (pods > 0) this.lastScaleUp = { time: inPeriod > 0 ? this.lastScaleUp.time : time, pods: inPeriod + pods };
    } else if (stabilized < current && time - this.lastScaleDown >= this.rule.scaleDownPeriodSeconds) {
      // pod-deletion-cost: the active node with the fewest consumers goes first.
      const victim = [...this.nodes.values()]
        .filter((node) => node.state === 'active')
        .sort((a, b) => (load.get(a.id)?.consumers ?? 0) - (load.get(b.id)?.consumers ?? 0))[0];
      if (victim === undefined) return;
      victim.state = 'draining';
      victim.drainDeadline = time + this.rule.drainTimeoutSeconds;
      await this.registry.nodes.setState(victim.id, 'draining', START + time * 1000);
      this.lastScaleDown = time;
      this.report.drains += 1;
    }
  }

  /** Removes drained nodes; at the drain deadline, moves the rooms still there through placement first. */
  private async finishDrains(time: number): Promise<void> {
    for (const node of [...this.nodes.values()]) {
      if (node.state !== 'draining') continue;
      if (peersOn(node) > 0 && time >= node.drainDeadline) await this.migrate(node, time);
      if (peersOn(node) > 0) continue;

      // A second count, from the rooms rather than the node's own counter, guards the rule.
      if ((this.nodeLoad().get(node.id)?.peers ?? 0) > 0) this.report.removalsWithRooms += 1;
      this.nodes.delete(node.id);
      await this.registry.nodes.remove(node.id);
    }
  }

  private async migrate(node: SimNode, time: number): Promise<void> {
    for (const room of this.rooms.values()) {
      const moving = [...room.peers.entries()].filter(([, placed]) => placed.nodeId === node.id);
      if (moving.length === 0) continue;
      this.report.migrations += 1;
      for (const [peerId, placed] of moving) {
        room.peers.delete(peerId);
        node.workerPeers[placed.workerIndex] = (node.workerPeers[placed.workerIndex] ?? 1) - 1;
        await this.registry.rooms.removeRouter(room.trace.id, node.id, placed.workerIndex);
        const peerIndex = Number(peerId.slice(peerId.lastIndexOf('-p') + 2));
        await this.join({ time, kind: 'join', room: room.trace, peerIndex }, true);
      }
    }
  }
}

function peersOn(node: SimNode): number {
  return node.workerPeers.reduce((total, peers) => total + peers, 0);
}
