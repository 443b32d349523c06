export { ConfigError } from './errors';
export { variables, type VariableName, type Env } from './variables';
export { redactUrl, type CommonConfig, type ClusterMode, type LogLevel, type LogFormat, type RedisConfig } from './common';
export { loadSfuConfig, MIN_TRANSPORT_PORTS_PER_WORKER, type SfuConfig, type MediasoupLogLevel } from './sfu';
export {
  loadSignalingConfig,
  LOCAL_JWT_SECRET,
  MIN_JWT_SECRET_LENGTH,
  type SignalingConfig,
  type SignalingLimits,
} from './signaling';
export { PRODUCTION_STUN_SERVERS, type IceServerConfig } from './ice';
export {
  DEFAULT_TURN_CREDENTIAL_TTL_SECONDS,
  MIN_TURN_CREDENTIAL_TTL_SECONDS,
  MAX_TURN_CREDENTIAL_TTL_SECONDS,
  loadTurnConfig,
  type TurnConfig,
  type TurnSecretConfig,
} from './turn';
export { loadLifecycleConfig, type LifecycleConfig } from './lifecycle';
export { loadWebConfig, type WebConfig } from './web';
export { loadOrExit } from './exit';
