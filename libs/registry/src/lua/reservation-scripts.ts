import type { LuaScript } from '../script';

/**
 * Turns a reservation into load: it adds the reserved cost to the node
 * record's live load, stores the peer in the room, and deletes the
 * reservation. Returns the peer record JSON, or false when the reservation
 * was released or has expired.
 *
 * KEYS: reservation, node record, node reservations, room peers.
 * ARGV: reservation id, now ms.
 */
export const confirmScript: LuaScript = {
  name: 'sfuRegistryConfirm',
  lua: `
local stored = redis.call('GET', KEYS[1])
if not stored then return false end

local reservation = cjson.decode(stored)
if reservation.id ~= ARGV[1] then return false end
local now = tonumber(ARGV[2])
local member = reservation.id .. '|' .. reservation.cost.peers .. '|' .. reservation.cost.consumers
local expires_at = redis.call('ZSCORE', KEYS[3], member)
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[3], member)
if not expires_at or tonumber(expires_at) <= now then return false end

-- The node's next heartbeat replaces this estimate with what it measured.
local node_json = redis.call('GET', KEYS[2])
if node_json then
  local node = cjson.decode(node_json)
  node.load.peers = node.load.peers + reservation.cost.peers
  node.load.consumers = node.load.consumers + reservation.cost.consumers
  local slot = reservation.workerIndex + 1
  if type(node.load.workerPeers) == 'table' and node.load.workerPeers[slot] then
    node.load.workerPeers[slot] = node.load.workerPeers[slot] + reservation.cost.peers
  end
  redis.call('SET', KEYS[2], cjson.encode(node), 'KEEPTTL')
end

local peer = cjson.encode({
  peerId = reservation.peerId, roomId = reservation.roomId, nodeId = reservation.nodeId,
  workerIndex = reservation.workerIndex, joinedAt = now,
})
redis.call('HSET', KEYS[4], reservation.peerId, peer)
return peer
`,
};

/**
 * Frees a reservation's capacity. Returns 1 when it was outstanding, 0 when
 * it was already confirmed, released or expired.
 *
 * KEYS: reservation, node reservations. ARGV: reservation id.
 */
export const releaseScript: LuaScript = {
  name: 'sfuRegistryRelease',
  lua: `
local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end

local reservation = cjson.decode(stored)
if reservation.id ~= ARGV[1] then return 0 end
local member = reservation.id .. '|' .. reservation.cost.peers .. '|' .. reservation.cost.consumers
redis.call('DEL', KEYS[1])
return redis.call('ZREM', KEYS[2], member)
`,
};
