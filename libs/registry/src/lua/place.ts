import type { LuaScript } from '../script';

/**
 * Chooses the node and worker for one joining peer, reserves its expected
 * cost there and records the decision, all in one step so that concurrent
 * joins see each other's reservations and the room's routers.
 *
 * KEYS: room, room routers, room decisions, reservation, then per node its
 *   record and its reservations zset (in the order of the node ids in ARGV).
 * ARGV: 1 room id, 2 peer id, 3 region ("" for none), 4 cost peers,
 *   5 cost consumers, 6 reservation id, 7 now ms, 8 reservation TTL ms,
 *   9 decisions kept, 10 decisions TTL ms, 11.. node ids.
 *
 * Rules, in order. A node must be live, active and have room for the cost
 * on top of its load and unexpired reservations. Among those, nodes
 * already hosting the room come first, then nodes of the requested
 * region, then the lowest load score. The decision's rule names the first rule that narrowed the
 * candidates, "only-candidate" when one node fitted, or the rejection.
 *
 * Returns the decision as JSON; a retry with a reservation id that still
 * exists returns the earlier decision without placing again.
 */
export const placeScript: LuaScript = {
  name: 'sfuRegistryPlace',
  lua: `
local room_key, routers_key, decisions_key, reservation_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local room_id, peer_id, region = ARGV[1], ARGV[2], ARGV[3]
local cost_peers, cost_consumers = tonumber(ARGV[4]), tonumber(ARGV[5])
local reservation_id, now = ARGV[6], tonumber(ARGV[7])
local reservation_ttl, decisions_kept, decisions_ttl = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])

local existing = redis.call('GET', reservation_key)
if existing then
  return cjson.decode(existing).decision
end

local function record(decision)
  local encoded = cjson.encode(decision)
  redis.call('LPUSH', decisions_key, encoded)
  redis.call('LTRIM', decisions_key, 0, decisions_kept - 1)
  redis.call('PEXPIRE', decisions_key, decisions_ttl)
  return encoded
end

local decision = {
  at = now, roomId = room_id, peerId = peer_id, reservationId = reservation_id, region = region,
  cost = { peers = cost_peers, consumers = cost_consumers },
}

-- The room: its epoch and the worker each hosting node uses for it.
local epoch = tonumber(redis.call('HGET', room_key, 'epoch') or '0')
local room_state = redis.call('HGET', room_key, 'state')
decision.epoch = epoch
if room_state == 'closing' then
  decision.rule = 'room-closing'
  decision.candidates = {}
  return record(decision)
end

local hosted_worker = {}
for _, field in ipairs(redis.call('HKEYS', routers_key)) do
  local node_id, worker = string.match(field, '^(.*)#(%d+)$')
  local index = tonumber(worker)
  if node_id and (hosted_worker[node_id] == nil or index < hosted_worker[node_id]) then
    hosted_worker[node_id] = index
  end
end

-- Every node becomes a candidate entry; the ones that cannot take the peer say why.
local candidates, fitting, live_active = {}, {}, 0
local node_count = #ARGV - 10
for i = 1, node_count do
  local node_id = ARGV[10 + i]
  local node_key, reserved_key = KEYS[3 + 2 * i], KEYS[4 + 2 * i]
  local candidate = { nodeId = node_id, hostsRoom = hosted_worker[node_id] ~= nil }
  table.insert(candidates, candidate)

  local stored = redis.call('GET', node_key)
  if not stored then
    candidate.excluded = 'expired'
  else
    local node = cjson.decode(stored)
    candidate.region = node.region
    if node.state ~= 'active' then
      candidate.excluded = 'draining'
    else
      live_active = live_active + 1

      -- Reservations past their expiry stop counting; members are "id|peers|consumers".
      redis.call('ZREMRANGEBYSCORE', reserved_key, '-inf', now)
      local reserved_peers, reserved_consumers = 0, 0
      for _, member in ipairs(redis.call('ZRANGE', reserved_key, 0, -1)) do
        local _, peers, consumers = string.match(member, '^(.*)|(%d+)|(%d+)$')
        reserved_peers = reserved_peers + tonumber(peers)
        reserved_consumers = reserved_consumers + tonumber(consumers)
      end

      local used_peers = node.load.peers + reserved_peers
      local used_consumers = node.load.consumers + reserved_consumers
      candidate.peers = used_peers
      candidate.consumers = used_consumers
      candidate.score = math.max(
        used_peers / math.max(node.capacity.maxPeers, 1),
        used_consumers / math.max(node.capacity.maxConsumers, 1),
        node.load.cpu)

      if used_peers + cost_peers > node.capacity.maxPeers or used_consumers + cost_consumers > node.capacity.maxConsumers then
        candidate.excluded = 'full'
      else
        candidate.node = node
        candidate.reservedKey = reserved_key
        table.insert(fitting, candidate)
      end
    end
  end
end

local function public_candidates()
  local list = {}
  for _, candidate in ipairs(candidates) do
    table.insert(list, {
      nodeId = candidate.nodeId, region = candidate.region, hostsRoom = candidate.hostsRoom,
      peers = candidate.peers, consumers = candidate.consumers, score = candidate.score,
      excluded = candidate.excluded,
    })
  end
  return list
end

if #fitting == 0 then
  decision.rule = live_active == 0 and 'no-active-node' or 'no-capacity'
  decision.candidates = public_candidates()
  return record(decision)
end

-- Narrow the fitting nodes rule by rule; the first rule that removes a node is the one that chose.
local rule = nil
if #fitting == 1 then rule = 'only-candidate' end

local function narrow(set, keep, name)
  local narrowed = {}
  for _, candidate in ipairs(set) do
    if keep(candidate) then table.insert(narrowed, candidate) end
  end
  if #narrowed == 0 or #narrowed == #set then return set end
  if rule == nil then rule = name end
  return narrowed
end

local chosen_set = narrow(fitting, function(c) return c.hostsRoom end, 'room-affinity')
if region ~= '' then
  chosen_set = narrow(chosen_set, function(c) return c.region == region end, 'region')
end

local chosen = chosen_set[1]
for _, candidate in ipairs(chosen_set) do
  if candidate.score < chosen.score or (candidate.score == chosen.score and candidate.nodeId < chosen.nodeId) then
    chosen = candidate
  end
end
if rule == nil then rule = 'lowest-load' end

-- A node new to the room gets the room's router on its least loaded worker.
local worker_index = hosted_worker[chosen.nodeId]
if worker_index == nil then
  worker_index = 0
  local worker_peers = chosen.node.load.workerPeers or {}
  for index = 2, #worker_peers do
    if worker_peers[index] < worker_peers[worker_index + 1] then worker_index = index - 1 end
  end
end

-- The room exists from its first placement on, at epoch 1.
if epoch == 0 then
  epoch = 1
  redis.call('HSET', room_key, 'id', room_id, 'createdAt', now, 'state', 'open', 'epoch', epoch)
end
redis.call('HSETNX', routers_key, chosen.nodeId .. '#' .. worker_index, '')

decision.rule = rule
decision.nodeId = chosen.nodeId
decision.workerIndex = worker_index
decision.epoch = epoch
decision.candidates = public_candidates()

local expires_at = now + reservation_ttl
redis.call('ZADD', chosen.reservedKey, expires_at, reservation_id .. '|' .. cost_peers .. '|' .. cost_consumers)
redis.call('PEXPIRE', chosen.reservedKey, reservation_ttl)

local encoded = record(decision)
local reservation = {
  id = reservation_id, roomId = room_id, peerId = peer_id, nodeId = chosen.nodeId, workerIndex = worker_index,
  cost = decision.cost, expiresAt = expires_at, decision = encoded,
}
redis.call('SET', reservation_key, cjson.encode(reservation), 'PX', reservation_ttl)
return encoded
`,
};
