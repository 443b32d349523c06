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
