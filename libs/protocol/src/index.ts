export { ErrorCode, type ErrorCodeValue } from './errors';
export { clientEvents, clientSchemas, notifications, type ClientEvent, type ClientPayload, type ErrorBody, type Ack } from './client-events';
export type { Grants, TokenClaims } from './grants';
export { signToken, verifyToken, TokenError, type SignTokenOptions } from './tokens';
