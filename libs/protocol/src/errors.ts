/**
 * Stable error codes. Clients, signaling and operators branch on these; the
 * message beside each is for people and may change.
 */
export const ErrorCode = {
  InvalidPayload: 'INVALID_PAYLOAD',
  RoomNotFound: 'ROOM_NOT_FOUND',
  PeerNotFound: 'PEER_NOT_FOUND',
  TransportNotFound: 'TRANSPORT_NOT_FOUND',
  ProducerNotFound: 'PRODUCER_NOT_FOUND',
  ConsumerNotFound: 'CONSUMER_NOT_FOUND',
  /** The subscriber's RTP capabilities cannot receive the producer's codec. */
  CannotConsume: 'CANNOT_CONSUME',
  /** The node takes no new rooms or peers while it drains. */
  NodeDraining: 'NODE_DRAINING',
  /** The request was stamped with a room epoch older than the registry's: the room moved. */
  StaleEpoch: 'STALE_EPOCH',
  /** A configured limit was reached (peers per room, producers per peer, ...). */
  LimitExceeded: 'LIMIT_EXCEEDED',
  /** The request cannot apply in the object's present state (closed, wrong direction). */
  InvalidState: 'INVALID_STATE',
  /** No token, a bad signature, or an expired token. */
  Unauthorized: 'UNAUTHORIZED',
  /** The token is valid but lacks the grant or names another room. */
  Forbidden: 'FORBIDDEN',
  /** Too many events per second from this socket. */
  RateLimited: 'RATE_LIMITED',
  /** The event needs a joined peer; send join (or resume) first. */
  NotJoined: 'NOT_JOINED',
  /** No SFU node has room for the peer now. */
  NoCapacity: 'NO_CAPACITY',
  /** A dependency (Redis, an SFU node) did not answer in time; retry. */
  Unavailable: 'SERVICE_UNAVAILABLE',
  /** The server failed in a way it logged; retry or report it. */
  Internal: 'INTERNAL',
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];
