import type { LuaScript } from '../script';

/**
 * Marks a session seen and restarts its TTL in one step, so a touch racing
 * a save cannot write back an older record. Returns the updated session
 * JSON, or false when it has expired.
 *
 * KEYS: session. ARGV: now ms, TTL ms.
 */
export const touchSessionScript: LuaScript = {
  name: 'sfuRegistryTouchSession',
  lua: `
local stored = redis.call('GET', KEYS[1])
if not stored then return false end

local session = cjson.decode(stored)
session.lastSeenAt = tonumber(ARGV[1])
local encoded = cjson.encode(session)
redis.call('SET', KEYS[1], encoded, 'PX', ARGV[2])
return encoded
`,
};
