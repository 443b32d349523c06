import type { LuaScript } from '../script';
import { NODE_LOAD_LUA } from './node-load';

/**
 * Turns a reservation into load: it adds the reserved cost to the node
 * record's live load, stores the peer in the room, deletes the reservation
 * and rescores the node. Returns the peer record JSON, or false when the
 * reservation was released or has expired.
 *
 * KEYS: reservation, node record, room peers.
 * ARGV: reservation id, now ms, registry prefix.
 */
export const confirmScript: LuaScript = {
  name: 'sfuRegistryConfirm',
  lua: `
local prefix = ARGV[3]
${NODE_LOAD_LUA}
local stored = redis.call('GET', KEYS[1])
if not stored then return false end

local reservation = cjson.decode(stored)
if reservation.id ~= ARGV[1] then return false end
local now = tonumber(ARGV[2])
local node_id, cost = reservation.nodeId, reservation.cost
local member = reservation.id .. '|' .. cost.peers .. '|' .. cost.consumers
local expires_at = redis.call('ZSCORE', node_reservations_key(node_id), member)
redis.call('DEL', KEYS[1])
remove_reservation(node_id, member, cost.peers, cost.consumers)
if not expires_at or tonumber(expires_at) <= now then return false end

-- The node's next heartbeat replaces this estimate with what it measured.
local node_json = redis.call('GET', KEYS[2])
if node_json then
  local node = cjson.decode(node_json)
  node.load.peers = node.load.peers + cost.peers
  node.load.consumers = node.load.consumers + cost.consumers
  local slot = reservation.workerIndex + 1
  if type(node.load.workerPeers) == 'table' and node.load.workerPeers[slot] then
    node.load.workerPeers[slot] = node.load.workerPeers[slot] + cost.peers
  end
  redis.call('SET', KEYS[2], cjson.encode(node), 'KEEPTTL')
  write_node_load(node, nil)
  refresh_node_index(node, now)
end

local peer = cjson.encode({
  peerId = reservation.peerId, roomId = reservation.roomId, nodeId = node_id,
  workerIndex = reservation.workerIndex, joinedAt = now,
})
redis.call('HSET', KEYS[3], reservation.peerId, peer)
return peer
`,
};

/**
 * Frees a reservation's capacity and rescores its node, so the freed
 * capacity counts for the next placement. Returns 1 when it was
 * outstanding, 0 when it was already confirmed, released or expired.
 *
 * KEYS: reservation, node record. ARGV: reservation id, now ms, registry prefix.
 */
export const releaseScript: LuaScript = {
  name: 'sfuRegistryRelease',
  lua: `
local prefix = ARGV[3]
${NODE_LOAD_LUA}
local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end

local reservation = cjson.decode(stored)
if reservation.id ~= ARGV[1] then return 0 end
local node_id, cost = reservation.nodeId, reservation.cost
local member = reservation.id .. '|' .. cost.peers .. '|' .. cost.consumers
redis.call('DEL', KEYS[1])
local released = remove_reservation(node_id, member, cost.peers, cost.consumers)

local node = read_node(node_id)
if node then refresh_node_index(node, tonumber(ARGV[2])) end
return released
`,
};
