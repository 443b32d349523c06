/**
 * Every Redis key of the registry, each built from the configured prefix.
 *
 *   {p}nodes                         set of node ids that ever sent a heartbeat; no TTL, a member leaves on remove()
 *   {p}nodes:by-load                 zset of live active node ids scored by load score (0 idle, 1 full) incl. unexpired reservations; no TTL
 *   {p}nodes:by-load:<region>        the same zset for the nodes of one region; no TTL
 *   {p}nodes:draining                zset of draining node ids scored by when the registry saw the drain (ms); no TTL
 *   {p}regions                       set of regions named in heartbeats, so remove() finds every by-load zset; no TTL
 *   {p}rooms                         set of ids of rooms with participants; no TTL, a member leaves when its room closes
 *   {p}node:<nodeId>                 JSON NodeRecord; 3 s TTL, refreshed by every heartbeat
 *   {p}node:<nodeId>:load            hash of the record's fields placement reads (state, region, load and capacity figures, workerPeers as "n,n,.."); TTL of the record
 *   {p}node:<nodeId>:reservations    zset of "<reservationId>|<peers>|<consumers>" scored by expiry (ms); TTL reset to the reservation TTL by each reservation
 *   {p}node:<nodeId>:reserved        hash peers, consumers (sums over the reservations zset) and next (its earliest expiry, ms); same TTL as the zset
 *   {p}reservation:<reservationId>   JSON of room, peer, node, worker, cost, expiry and decision; TTL of the reservation (15 s by default)
 *   {p}room:{<roomId>}               hash id, createdAt, state, epoch; no TTL, deleted when the room closes
 *   {p}room:{<roomId>}:routers       hash "<nodeId>#<workerIndex>" -> router id ("" until the node creates it); no TTL
 *   {p}room:{<roomId>}:peers         hash peerId -> JSON PeerRecord; no TTL
 *   {p}room:{<roomId>}:decisions     list of JSON PlacementDecision, newest first, capped; 24 h TTL from the last push
 *   {p}room:{<roomId>}:participants  hash peerId -> JSON Participant (identity, display name, signaling node); no TTL
 *   {p}room:{<roomId>}:producers     hash producerId -> JSON ProducerRecord (peer, node, kind); no TTL
 *   {p}session:<sessionId>           JSON SessionRecord; TTL refreshed by touch()
 *
 * The by-load zsets can hold stale members: a node whose record expired
 * keeps its last score until placement examines it and removes it, or
 * until remove() runs for it.
 *
 * NOTE: the node scripts and the placement script build node keys inside
 * Lua (NODE_KEYS_LUA) from ids they read in the by-load zsets, so they do
 * not declare every key they touch. Redis Cluster allows that only with all
 * registry keys in one slot, which puts the whole registry on one shard.
 * The room keys carry the {roomId} hash tag so that the scripts touching
 * one room only (peers, routers, epoch) could spread over shards.
 */
export class RegistryKeys {
  constructor(readonly prefix: string) {}

  get nodes(): string {
    return `${this.prefix}nodes`;
  }

  get nodesByLoad(): string {
    return `${this.prefix}nodes:by-load`;
  }

  nodesByLoadInRegion(region: string): string {
    return `${this.prefix}nodes:by-load:${region}`;
  }

  get drainingNodes(): string {
    return `${this.prefix}nodes:draining`;
  }

  get regions(): string {
    return `${this.prefix}regions`;
  }

  get rooms(): string {
    return `${this.prefix}rooms`;
  }

  node(nodeId: string): string {
    return `${this.prefix}node:${nodeId}`;
  }

  nodeReservations(nodeId: string): string {
    return `${this.prefix}node:${nodeId}:reservations`;
  }

  nodeLoad(nodeId: string): string {
    return `${this.prefix}node:${nodeId}:load`;
  }

  nodeReserved(nodeId: string): string {
    return `${this.prefix}node:${nodeId}:reserved`;
  }

  reservation(reservationId: string): string {
    return `${this.prefix}reservation:${reservationId}`;
  }

  room(roomId: string): string {
    return `${this.prefix}room:{${roomId}}`;
  }

  roomRouters(roomId: string): string {
    return `${this.room(roomId)}:routers`;
  }

  roomPeers(roomId: string): string {
    return `${this.room(roomId)}:peers`;
  }

  roomParticipants(roomId: string): string {
    return `${this.room(roomId)}:participants`;
  }

  roomProducers(roomId: string): string {
    return `${this.room(roomId)}:producers`;
  }

  roomDecisions(roomId: string): string {
    return `${this.room(roomId)}:decisions`;
  }

  session(sessionId: string): string {
    return `${this.prefix}session:${sessionId}`;
  }
}

/**
 * Lua versions of the node keys above, for scripts that read node ids
 * inside Redis. A script that includes them sets the local `prefix` (the
 * registry prefix, passed as an argument) before this text.
 */
export const NODE_KEYS_LUA = `
local function node_key(node_id) return prefix .. 'node:' .. node_id end
local function node_reservations_key(node_id) return prefix .. 'node:' .. node_id .. ':reservations' end
local function node_load_key(node_id) return prefix .. 'node:' .. node_id .. ':load' end
local function node_reserved_key(node_id) return prefix .. 'node:' .. node_id .. ':reserved' end
local function by_load_in_region_key(region) return prefix .. 'nodes:by-load:' .. region end
local by_load_key = prefix .. 'nodes:by-load'
local draining_key = prefix .. 'nodes:draining'
local regions_key = prefix .. 'regions'
`;

/** Field of a room's routers hash for one worker of one node. */
export function routerField(nodeId: string, workerIndex: number): string {
  return `${nodeId}#${workerIndex}`;
}

/**
 * Rejects an id that would break a key: a brace would move the hash tag,
 * and a '#' would make a router field ambiguous.
 */
export function assertId(kind: string, id: string): void {
  if (typeof id !== 'string' || id.length === 0 || /[{}#\s]/.test(id)) {
    throw new TypeError(`invalid ${kind} "${id}": use a non-empty id without braces, '#' or whitespace`);
  }
}
