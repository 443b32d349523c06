import type { LuaScript } from '../script';

/**
 * Writes a node record with its TTL and adds the node to the index. A
 * draining state stored earlier survives the heartbeat, because an
 * operator's drain must hold even while the node still reports itself active.
 *
 * KEYS: node record, node index. ARGV: record JSON, TTL ms, node id.
 */
export const heartbeatScript: LuaScript = {
  name: 'sfuRegistryHeartbeat',
  lua: `
local record = ARGV[1]
local stored = redis.call('GET', KEYS[1])
if stored then
  local previous = cjson.decode(stored)
  if previous.state == 'draining' then
    local next = cjson.decode(record)
    next.state = 'draining'
    record = cjson.encode(next)
  end
end

redis.call('SET', KEYS[1], record, 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
return record
`,
};

/**
 * Sets the state of a live node record and keeps its TTL. Returns the new
 * record, or false when the record has expired.
 *
 * KEYS: node record. ARGV: state, now ms.
 */
export const setNodeStateScript: LuaScript = {
  name: 'sfuRegistrySetNodeState',
  lua: `
local stored = redis.call('GET', KEYS[1])
if not stored then return false end

local record = cjson.decode(stored)
record.state = ARGV[1]
record.updatedAt = tonumber(ARGV[2])
local encoded = cjson.encode(record)
redis.call('SET', KEYS[1], encoded, 'KEEPTTL')
return encoded
`,
};
