import { readCommon, type CommonConfig } from './common';
import { EnvReader } from './reader';
import type { Env } from './variables';

export type LifecycleConfig = CommonConfig;

const LIFECYCLE_DEFAULT_PORT = 3200;

/** Reads and validates a lifecycle worker's configuration; throws ConfigError. */
export function loadLifecycleConfig(env: Env = process.env): LifecycleConfig {
  const reader = new EnvReader(env);
  const config = readCommon(reader, LIFECYCLE_DEFAULT_PORT);
  reader.done();
  return config;
}
