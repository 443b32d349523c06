import type { Redis } from 'ioredis';

/** A Lua script run with EVALSHA, falling back to EVAL once after a Redis restart flushed the script cache. */
export interface LuaScript {
  /** Command name registered on the ioredis client; unique per script. */
  name: string;
  lua: string;
}

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

/**
 * Runs script with the given keys and arguments. ioredis's defineCommand
 * sends EVALSHA and resends the body on NOSCRIPT, so each call costs one
 * round trip once the script is cached.
 */
export async function runScript(
  redis: Redis,
  script: LuaScript,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  const commands = redis as unknown as Record<string, ScriptCommand | undefined>;
  if (commands[script.name] === undefined) {
    redis.defineCommand(script.name, { lua: script.lua });
  }

  const command = commands[script.name] as ScriptCommand;
  return command.call(redis, keys.length, ...keys, ...args);
}
