/**
 * Every Redis key of the registry, each built from the configured prefix.
 *
 *   {p}nodes                         set of node ids that ever sent a heartbeat; no TTL, a member leaves on remove()
 *   {p}rooms                         set of ids of rooms with participants; no TTL, a member leaves when its room closes
 *   {p}node:<nodeId>                 JSON NodeRecord; 3 s TTL, refreshed by every heartbeat
 *   {p}node:<nodeId>:reservations    zset of "<reservationId>|<peers>|<consumers>" scored by expiry (ms); TTL reset to the reservation TTL by each reservation
 *   {p}reservation:<reservationId>   JSON of room, peer, node, worker, cost, expiry and decision; TTL of the reservation (15 s by default)
 *   {p}room:{<roomId>}               hash id, createdAt, state, epoch; no TTL, deleted when the room closes
 *   {p}room:{<roomId>}:routers       hash "<nodeId>#<workerIndex>" -> router id ("" until the node creates it); no TTL
 *   {p}room:{<roomId>}:peers         hash peerId -> JSON PeerRecord; no TTL
 *   {p}room:{<roomId>}:decisions     list of JSON PlacementDecision, newest first, capped; 24 h TTL from the last push
 *   {p}room:{<roomId>}:participants  hash peerId -> JSON Participant (identity, display name, signaling node); no TTL
 *   {p}room:{<roomId>}:producers     hash producerId -> JSON ProducerRecord (peer, node, kind); no TTL
 *   {p}session:<sessionId>           JSON SessionRecord; TTL refreshed by touch()
 *
 * NOTE: the placement script reads node keys next to one room's keys, so
 * under Redis Cluster it needs every node key in the room's slot; the room
 * keys carry the {roomId} hash tag so that the scripts touching one room
 * only (peers, routers, epoch) stay possible there.
 */
export class RegistryKeys {
  constructor(readonly prefix: string) {}

  get nodes(): string {
    return `${this.prefix}nodes`;
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
