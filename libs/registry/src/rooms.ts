import type { Redis } from 'ioredis';

import { StaleEpochError, roomNotFound } from './errors';
import { assertId, routerField, type RegistryKeys } from './keys';
import { setRoomStateScript } from './lua/room-scripts';
import { runScript } from './script';

/** open takes joins; closing rejects new placements while the room's lifecycle job tears it down. */
export type RoomState = 'open' | 'closing';

/** The router of a room on one worker of one node. */
export interface RouterPlacement {
  nodeId: string;
  workerIndex: number;
  /** mediasoup router id; undefined between placement and the node creating the router. */
  routerId?: string;
}

export interface RoomRecord {
  id: string;
  /** Milliseconds since the epoch of the room's first placement. */
  createdAt: number;
  state: RoomState;
  /** Goes up by one each time the room moves; requests stamped with an older epoch are stale. */
  epoch: number;
  routers: RouterPlacement[];
  /** Ids of the nodes hosting the room, sorted. */
  nodeIds: string[];
}

/** A peer of a room and the node and worker its transports live on. */
export interface PeerRecord {
  peerId: string;
  roomId: string;
  nodeId: string;
  workerIndex: number;
  /** Milliseconds since the epoch when its reservation was confirmed. */
  joinedAt: number;
}

/**
 * Room records: created by the first placement of a room, completed by the
 * nodes (router ids), read by signaling and lifecycle jobs.
 */
export class RoomRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RegistryKeys,
  ) {}

  /** Returns the room with its routers, or undefined when it was never placed or has been removed. */
  async get(roomId: string): Promise<RoomRecord | undefined> {
    const [room, routers] = await Promise.all([
      this.redis.hgetall(this.keys.room(roomId)),
      this.redis.hgetall(this.keys.roomRouters(roomId)),
    ]);
    if (room.epoch === undefined) return undefined;

    const placements = Object.entries(routers).map(([field, routerId]) => parseRouter(field, routerId));
    placements.sort((a, b) => a.nodeId.localeCompare(b.nodeId) || a.workerIndex - b.workerIndex);

    return {
      id: room.id ?? roomId,
      createdAt: Number(room.createdAt),
      state: room.state === 'closing' ? 'closing' : 'open',
      epoch: Number(room.epoch),
      routers: placements,
      nodeIds: [...new Set(placements.map((router) => router.nodeId))].sort(),
    };
  }

  /**
   * Raises STALE_EPOCH unless epoch is the room's current one, and
   * ROOM_NOT_FOUND when the room is gone. A node calls this before acting
   * on a request, so a request routed before a move cannot touch the room.
   */
  async checkEpoch(roomId: string, epoch: number): Promise<void> {
    const current = await this.redis.hget(this.keys.room(roomId), 'epoch');
    if (current === null) throw roomNotFound(roomId);

    if (Number(current) !== epoch) throw new StaleEpochError(roomId, epoch, Number(current));
  }

  /** Stores the id of the router a node created for the room on one of its workers. */
  async setRouter(roomId: string, router: Required<RouterPlacement>): Promise<void> {
    assertId('room id', roomId);
    assertId('node id', router.nodeId);

    await this.redis.hset(this.keys.roomRouters(roomId), routerField(router.nodeId, router.workerIndex), router.routerId);
  }

  /** Removes a router, when it closed or its worker died; placement stops counting the node as hosting the room. */
  async removeRouter(roomId: string, nodeId: string, workerIndex: number): Promise<void> {
    await this.redis.hdel(this.keys.roomRouters(roomId), routerField(nodeId, workerIndex));
  }

  /** Returns the peers of a room, ordered by peer id. */
  async peers(roomId: string): Promise<PeerRecord[]> {
    const stored = await this.redis.hvals(this.keys.roomPeers(roomId));
    const peers = stored.map((json) => JSON.parse(json) as PeerRecord);
    return peers.sort((a, b) => a.peerId.localeCompare(b.peerId));
  }

  /** Removes a peer that left. Returns false when it was not in the room. */
  async removePeer(roomId: string, peerId: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.roomPeers(roomId), peerId)) === 1;
  }

  /** Sets the room's state; closing makes placement reject new peers. Raises ROOM_NOT_FOUND for a missing room. */
  async setState(roomId: string, state: RoomState): Promise<void> {
    if (state !== 'open' && state !== 'closing') {
      throw new TypeError(`invalid room state "${String(state)}": use open or closing`);
    }

    const updated = await runScript(this.redis, setRoomStateScript, [this.keys.room(roomId)], [state]);
    if (updated !== 1) throw roomNotFound(roomId);
  }

  /** Deletes the room, its routers and its peers; its decisions stay until their TTL, to explain its history. */
  async remove(roomId: string): Promise<void> {
    await this.redis.del(this.keys.room(roomId), this.keys.roomRouters(roomId), this.keys.roomPeers(roomId));
  }
}

function parseRouter(field: string, routerId: string): RouterPlacement {
  const separator = field.lastIndexOf('#');
  const placement: RouterPlacement = {
    nodeId: field.slice(0, separator),
    workerIndex: Number(field.slice(separator + 1)),
  };
  if (routerId !== '') placement.routerId = routerId;
  return placement;
}
