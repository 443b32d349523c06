export { ErrorCode, type ErrorCodeValue } from './errors';
export {
  clientEvents,
  clientSchemas,
  defaultTrackSource,
  notifications,
  trackSources,
  type ClientEvent,
  type ClientPayload,
  type ErrorBody,
  type Ack,
  type TrackSource,
} from './client-events';
export type { Grants, TokenClaims } from './grants';
export { signToken, verifyToken, TokenError, type SignTokenOptions } from './tokens';
export type {
  AdminNodeRecord,
  AdminParticipant,
  CancelDrainResponse,
  DrainResponse,
  MoveResponse,
  NodePlacement,
  NodesResponse,
  PeerPlacement,
  PipeEntry,
  PipesResponse,
  PlacementCandidate,
  PlacementDecision,
  RoomPlacement,
  RoomSummary,
  RoomsResponse,
} from './admin-api';
