export { createRedis, redisStatus, type Redis, type RedisClientOptions } from './redis';
export { createRegistry, type Registry, type RegistryOptions } from './registry';
export { RegistryKeys } from './keys';
export { RegistryError, StaleEpochError, type RegistryErrorCode } from './errors';
export {
  NodeRegistry,
  NODE_TTL_MS,
  HEARTBEAT_INTERVAL_MS,
  type NodeRecord,
  type NodeState,
  type NodeCapacity,
  type NodeLoad,
} from './nodes';
export { startHeartbeat, type HeartbeatLoop } from './heartbeat';
export { RoomRegistry, type RoomRecord, type RoomState, type RouterPlacement, type PeerRecord } from './rooms';
export { SessionRegistry, SESSION_TTL_MS, type SessionRecord } from './sessions';
export {
  Placement,
  RESERVATION_TTL_MS,
  PLACEMENT_CANDIDATES,
  type PlacementRequest,
  type PlacementResult,
  type PlacementOptions,
} from './placement';
export {
  DECISIONS_KEPT,
  DECISIONS_TTL_MS,
  type PlacementDecision,
  type PlacementCandidate,
  type PlacementCost,
  type PlacementRule,
  type CandidateExclusion,
} from './decisions';
export { ParticipantRegistry, type Participant, type ProducerRecord } from './participants';
export { waitForRedis, whenReady } from './wait-for-redis';
export { reportRedisErrors } from './report-errors';
