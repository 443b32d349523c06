import type { LuaScript } from '../script';
import { NODE_LOAD_LUA } from './node-load';

/**
 * Writes a node record with its TTL, adds the node to the index and puts
 * it in the by-load zsets (or the draining zset). A draining state stored
 * earlier survives the heartbeat, because an operator's drain must hold
 * even while the node still reports itself active.
 *
 * The caller passes the fields the score needs next to the JSON, so that
 * the common beat decodes no JSON: a thousand nodes beat every second.
 * The stored record is searched for the draining state as written by
 * JSON.stringify and by cjson, neither of which puts spaces in it.
 *
 * KEYS: node record, node index. ARGV: 1 record JSON, 2 TTL ms, 3 node id,
 *   4 registry prefix, 5 now ms, 6 region, 7 state, 8 load peers,
 *   9 load consumers, 10 load CPU, 11 max peers, 12 max consumers,
 *   13 peers per worker as "n,n,..".
 */
export const heartbeatScript: LuaScript = {
  name: 'sfuRegistryHeartbeat',
  lua: `
local prefix = ARGV[4]
${NODE_LOAD_LUA}
local record, node_id, region = ARGV[1], ARGV[3], ARGV[6]
local node = {
  id = node_id, region = region, state = ARGV[7],
  load = { peers = tonumber(ARGV[8]), consumers = tonumber(ARGV[9]), cpu = tonumber(ARGV[10]), workerPeers = ARGV[13] },
  capacity = { maxPeers = tonumber(ARGV[11]), maxConsumers = tonumber(ARGV[12]) },
}

local stored = redis.call('GET', KEYS[1])
if stored and node.state ~= 'draining' and string.find(stored, '"state":"draining"', 1, true) then
  local next = cjson.decode(record)
  next.state = 'draining'
  record = cjson.encode(next)
  node.state = 'draining'
end

redis.call('SET', KEYS[1], record, 'PX', ARGV[2])
write_node_load(node, ARGV[2])
redis.call('SADD', KEYS[2], node_id)
if node.state == 'active' and not redis.call('ZSCORE', by_load_in_region_key(region), node_id) then
  -- New to this region's zset: the node is new, back from a drain, or moved from another region.
  for _, other in ipairs(redis.call('SMEMBERS', regions_key)) do
    if other ~= region then redis.call('ZREM', by_load_in_region_key(other), node_id) end
  end
end
redis.call('SADD', regions_key, region)
refresh_node_index(node, tonumber(ARGV[5]))
return record
`,
};

/**
 * Sets the state of a live node record and keeps its TTL. A draining node
 * leaves the by-load zsets in the same step, so no later placement can
 * pick it. Returns the new record, or false when the record has expired.
 *
 * KEYS: node record. ARGV: state, now ms, registry prefix.
 */
export const setNodeStateScript: LuaScript = {
  name: 'sfuRegistrySetNodeState',
  lua: `
local prefix = ARGV[3]
${NODE_LOAD_LUA}
local stored = redis.call('GET', KEYS[1])
if not stored then return false end

local record = cjson.decode(stored)
record.state = ARGV[1]
record.updatedAt = tonumber(ARGV[2])
local encoded = cjson.encode(record)
redis.call('SET', KEYS[1], encoded, 'KEEPTTL')
write_node_load(record, nil)
refresh_node_index(record, tonumber(ARGV[2]))
return encoded
`,
};

/**
 * Deletes a node's record, reservations and every index entry: the node
 * set, the by-load zsets of every region seen and the draining zset.
 *
 * KEYS: node index. ARGV: node id, registry prefix.
 */
export const removeNodeScript: LuaScript = {
  name: 'sfuRegistryRemoveNode',
  lua: `
local node_id, prefix = ARGV[1], ARGV[2]
${NODE_LOAD_LUA}
redis.call('DEL', node_key(node_id), node_load_key(node_id), node_reservations_key(node_id), node_reserved_key(node_id))
redis.call('SREM', KEYS[1], node_id)
redis.call('ZREM', draining_key, node_id)
unindex_node(node_id, nil)
for _, region in ipairs(redis.call('SMEMBERS', regions_key)) do
  redis.call('ZREM', by_load_in_region_key(region), node_id)
end
return 1
`,
};
