import type { LuaScript } from '../script';

/**
 * Moves a room to one node and worker if its epoch is still the expected
 * one, so two movers racing on the same room cannot both succeed. The
 * epoch goes up by one and the room's routers become the target alone.
 * Returns {"moved", epoch}, {"stale", current epoch} or {"missing", 0}.
 *
 * KEYS: room, room routers, room decisions.
 * ARGV: 1 expected epoch, 2 node id, 3 worker index, 4 reason, 5 now ms,
 *   6 decisions kept, 7 decisions TTL ms, 8 room id.
 */
export const moveRoomScript: LuaScript = {
  name: 'sfuRegistryMoveRoom',
  lua: `
local epoch = tonumber(redis.call('HGET', KEYS[1], 'epoch') or '0')
if epoch == 0 then return { 'missing', 0 } end
if epoch ~= tonumber(ARGV[1]) then return { 'stale', epoch } end

epoch = epoch + 1
redis.call('HSET', KEYS[1], 'epoch', epoch)
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], ARGV[2] .. '#' .. ARGV[3], '')

local decision = cjson.encode({
  at = tonumber(ARGV[5]), roomId = ARGV[8], rule = 'moved', reason = ARGV[4],
  nodeId = ARGV[2], workerIndex = tonumber(ARGV[3]), epoch = epoch, candidates = {},
})
redis.call('LPUSH', KEYS[3], decision)
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[6]) - 1)
redis.call('PEXPIRE', KEYS[3], ARGV[7])
return { 'moved', epoch }
`,
};

/**
 * Sets the state of an existing room and touches no other field.
 * Returns 1, or 0 when the room does not exist.
 *
 * KEYS: room. ARGV: state.
 */
export const setRoomStateScript: LuaScript = {
  name: 'sfuRegistrySetRoomState',
  lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1])
return 1
`,
};
