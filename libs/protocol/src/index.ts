export { ErrorCode, type ErrorCodeValue } from './errors';
