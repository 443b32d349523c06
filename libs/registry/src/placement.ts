import type { Redis } from 'ioredis';

import { readDecisions, parseDecision, DECISIONS_KEPT, DECISIONS_TTL_MS } from './decisions';
import type { PlacementCost, PlacementDecision } from './decisions';
import { RegistryError, StaleEpochError, roomNotFound } from './errors';
import { assertId, type RegistryKeys } from './keys';
import { placeScript } from './lua/place';
import { confirmScript, releaseScript } from './lua/reservation-scripts';
import { moveRoomScript } from './lua/room-scripts';
import type { PeerRecord } from './rooms';
import { runScript } from './script';

/** A join keeps its capacity reserved this long unless confirmed or released first. */
export const RESERVATION_TTL_MS = 15_000;

/**
 * Live active nodes placement examines from the start of each by-load zset
 * (the requested region's and the global one), on top of the nodes that
 * host the room. It bounds the work of one placement whatever the node count.
 */
export const PLACEMENT_CANDIDATES = 8;

export interface PlacementRequest {
  roomId: string;
  peerId: string;
  /** Caller-chosen id, so a retried request returns the first decision instead of reserving twice. */
  reservationId: string;
  /** Preferred region; nodes elsewhere are used only when none of the examined nodes there fits. */
  region?: string;
  cost: PlacementCost;
  /** Milliseconds since the epoch; reservations whose expiry is not after it stop counting. */
  now?: number;
}

export type PlacementResult =
  | { placed: true; nodeId: string; workerIndex: number; epoch: number; decision: PlacementDecision }
  | { placed: false; decision: PlacementDecision };

export interface PlacementOptions {
  reservationTtlMs?: number;
  decisionsKept?: number;
  /** Live active nodes examined per by-load zset; PLACEMENT_CANDIDATES unless set. */
  candidatesPerZset?: number;
}

/**
 * Places peers on nodes with one Lua script per join, so that concurrent
 * joins from any number of signaling processes see each other's
 * reservations and never split a room by a race.
 */
export class Placement {
  private readonly reservationTtlMs: number;
  private readonly decisionsKept: number;
  private readonly candidatesPerZset: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RegistryKeys,
    options: PlacementOptions = {},
  ) {
    this.reservationTtlMs = options.reservationTtlMs ?? RESERVATION_TTL_MS;
    this.decisionsKept = options.decisionsKept ?? DECISIONS_KEPT;
    this.candidatesPerZset = options.candidatesPerZset ?? PLACEMENT_CANDIDATES;
    if (!Number.isInteger(this.candidatesPerZset) || this.candidatesPerZset < 1) {
      throw new TypeError(`invalid candidatesPerZset ${this.candidatesPerZset}: use an integer of 1 or more`);
    }
  }

  /**
   * Chooses a node and worker for a joining peer and reserves its cost
   * there. A rejected placement is recorded too and returns placed: false.
   */
  async place(request: PlacementRequest): Promise<PlacementResult> {
    assertRequest(request);

    const { roomId } = request;
    const keys = [
      this.keys.room(roomId),
      this.keys.roomRouters(roomId),
      this.keys.roomDecisions(roomId),
      this.keys.reservation(request.reservationId),
    ];
    const args = [
      roomId,
      request.peerId,
      request.region ?? '',
      request.cost.peers,
      request.cost.consumers,
      request.reservationId,
      request.now ?? Date.now(),
      this.reservationTtlMs,
      this.decisionsKept,
      DECISIONS_TTL_MS,
      this.keys.prefix,
      this.candidatesPerZset,
    ];
    const decision = parseDecision((await runScript(this.redis, placeScript, keys, args)) as string);

    if (decision.nodeId === undefined || decision.workerIndex === undefined) {
      return { placed: false, decision };
    }
    return { placed: true, nodeId: decision.nodeId, workerIndex: decision.workerIndex, epoch: decision.epoch, decision };
  }

  /**
   * Turns a reservation into load once the peer's transports exist, and
   * stores the peer in its room. Raises RESERVATION_NOT_FOUND when it was
   * released or has expired; the peer must then be placed again.
   */
  async confirm(reservationId: string, now = Date.now()): Promise<PeerRecord> {
    assertId('reservation id', reservationId);

    const reservation = await this.readReservation(reservationId);
    if (reservation === undefined) throw reservationNotFound(reservationId);

    const keys = [this.keys.reservation(reservationId), this.keys.node(reservation.nodeId), this.keys.roomPeers(reservation.roomId)];
    const peer = await runScript(this.redis, confirmScript, keys, [reservationId, now, this.keys.prefix]);
    if (peer === null) throw reservationNotFound(reservationId);

    return JSON.parse(peer as string) as PeerRecord;
  }

  /** Frees a reservation's capacity. Returns false when it was no longer outstanding. */
  async release(reservationId: string, now = Date.now()): Promise<boolean> {
    assertId('reservation id', reservationId);

    const reservation = await this.readReservation(reservationId);
    if (reservation === undefined) return false;

    const keys = [this.keys.reservation(reservationId), this.keys.node(reservation.nodeId)];
    const released = await runScript(this.redis, releaseScript, keys, [reservationId, now, this.keys.prefix]);

    return released === 1;
  }

  /**
   * Moves a room to one node and worker if the room is still at
   * expectedEpoch, and returns the new epoch. Raises STALE_EPOCH when
   * another mover got there first, ROOM_NOT_FOUND when the room is gone.
   *
   * NOTE: the move reserves no capacity on the target, because the room's
   * peers rejoin through place(), which enforces capacity and may spill
   * them to a second node.
   */
  async moveRoom(
    roomId: string,
    expectedEpoch: number,
    target: { nodeId: string; workerIndex: number },
    reason: string,
    now = Date.now(),
  ): Promise<number> {
    assertId('room id', roomId);
    assertId('node id', target.nodeId);

    const keys = [this.keys.room(roomId), this.keys.roomRouters(roomId), this.keys.roomDecisions(roomId)];
    const args = [expectedEpoch, target.nodeId, target.workerIndex, reason, now, this.decisionsKept, DECISIONS_TTL_MS, roomId];
    const [outcome, epoch] = (await runScript(this.redis, moveRoomScript, keys, args)) as [string, number];

    if (outcome === 'missing') throw roomNotFound(roomId);
    if (outcome === 'stale') throw new StaleEpochError(roomId, expectedEpoch, epoch);
    return epoch;
  }

  /** Returns the last placement decisions of a room, newest first: why the room is where it is. */
  async decisions(roomId: string): Promise<PlacementDecision[]> {
    return readDecisions(this.redis, this.keys, roomId);
  }

  private async readReservation(reservationId: string): Promise<{ nodeId: string; roomId: string } | undefined> {
    const stored = await this.redis.get(this.keys.reservation(reservationId));
    return stored === null ? undefined : (JSON.parse(stored) as { nodeId: string; roomId: string });
  }
}

function reservationNotFound(reservationId: string): RegistryError {
  return new RegistryError(
    'RESERVATION_NOT_FOUND',
    `reservation ${reservationId} not found: it was released or expired; place the peer again`,
  );
}

function assertRequest(request: PlacementRequest): void {
  assertId('room id', request.roomId);
  assertId('peer id', request.peerId);
  assertId('reservation id', request.reservationId);

  // The script stores costs as integers inside reservation members.
  for (const part of ['peers', 'consumers'] as const) {
    const value = request.cost[part];
    if (!Number.isInteger(value) || value < 0) {
      throw new TypeError(`invalid cost.${part} ${value}: use an integer of 0 or more`);
    }
  }
}
