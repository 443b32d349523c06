export { ConfigError } from './errors';
export { variables, type VariableName, type Env } from './variables';
export { redactUrl, type CommonConfig, type ClusterMode, type LogLevel, type LogFormat, type RedisConfig } from './common';
export { loadSfuConfig, MIN_TRANSPORT_PORTS_PER_WORKER, type SfuConfig, type MediasoupLogLevel } from './sfu';
export {
  loadSignalingConfig,
  LOCAL_JWT_SECRET,
  PRODUCTION_STUN_SERVERS,
  type SignalingConfig,
  type SignalingLimits,
  type IceServerConfig,
} from './signaling';
export { loadLifecycleConfig, type LifecycleConfig } from './lifecycle';
export { loadWebConfig, type WebConfig } from './web';
export { loadOrExit } from './exit';
