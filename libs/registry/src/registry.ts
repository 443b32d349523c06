import type { Redis } from 'ioredis';

import { RegistryKeys } from './keys';
import { NodeRegistry } from './nodes';
import { ParticipantRegistry } from './participants';
import { Placement, type PlacementOptions } from './placement';
import { RoomRegistry } from './rooms';
import { SessionRegistry } from './sessions';

export interface RegistryOptions extends PlacementOptions {
  /** Prefix of every key, RedisConfig.prefix; for example "sfu:". */
  prefix: string;
  sessionTtlMs?: number;
}

/** The registry's parts, sharing one connection and one key prefix. */
export interface Registry {
  keys: RegistryKeys;
  nodes: NodeRegistry;
  rooms: RoomRegistry;
  sessions: SessionRegistry;
  participants: ParticipantRegistry;
  placement: Placement;
}

export function createRegistry(redis: Redis, options: RegistryOptions): Registry {
  const keys = new RegistryKeys(options.prefix);

  return {
    keys,
    nodes: new NodeRegistry(redis, keys),
    rooms: new RoomRegistry(redis, keys),
    sessions: new SessionRegistry(redis, keys, options.sessionTtlMs),
    participants: new ParticipantRegistry(redis, keys),
    placement: new Placement(redis, keys, options),
  };
}
