import type { LuaScript } from '../script';
import { NODE_LOAD_LUA } from './node-load';

/**
 * Chooses the node and worker for one joining peer, reserves its expected
 * cost there, rescores the node and records the decision, all in one step
 * so that concurrent joins see each other's reservations and the room's
 * routers, and the next join finds the node lower in the by-load order.
 *
 * KEYS: room, room routers, room decisions, reservation.
 * ARGV: 1 room id, 2 peer id, 3 region ("" for none), 4 cost peers,
 *   5 cost consumers, 6 reservation id, 7 now ms, 8 reservation TTL ms,
 *   9 decisions kept, 10 decisions TTL ms, 11 registry prefix,
 *   12 candidates per by-load zset.
 *
 * The script examines a bounded set of nodes, so its cost does not grow
 * with the node count. It goes in stages, and each runs only while no
 * examined node fits. First come the nodes hosting the room. Then come
 * the first live active nodes of the requested region's by-load zset (up
 * to ARGV 12), then as many of the global one, and up to as many draining
 * nodes, which are listed so that the decision shows them. Members whose
 * record expired are removed when met.
 *
 * Rules, in order. A node must be live, active and have room for the cost
 * on top of its load and unexpired reservations. Among those, nodes
 * already hosting the room come first, then nodes of the requested
 * region, then the lowest load score. The decision's rule names the rule
 * that chose, "only-candidate" when one examined node fitted and no rule
 * had to choose, or the rejection.
 *
 * NOTE: room-affinity and region are named when the active nodes
 * outnumber the stage's nodes, without checking that the others would
 * fit. And a node that would fit but ranks after the first candidates of a
 * zset, because the ones before it are full for this cost, is not seen, so
 * the join can be rejected with no-capacity. Scores are shares of
 * capacity, so that takes nodes of very different sizes or a cost larger
 * than the headroom of all the least loaded nodes.
 *
 * Returns the decision as JSON; a retry with a reservation id that still
 * exists returns the earlier decision without placing again.
 */
export const placeScript: LuaScript = {
  name: 'sfuRegistryPlace',
  lua: `
local prefix = ARGV[11]
${NODE_LOAD_LUA}
local room_key, routers_key, decisions_key, reservation_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local room_id, peer_id, region = ARGV[1], ARGV[2], ARGV[3]
local cost_peers, cost_consumers = tonumber(ARGV[4]), tonumber(ARGV[5])
local reservation_id, now = ARGV[6], tonumber(ARGV[7])
local reservation_ttl, decisions_kept, decisions_ttl = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local per_zset = tonumber(ARGV[12])

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
local room_fields = redis.call('HMGET', room_key, 'epoch', 'state')
local epoch, room_state = tonumber(room_fields[1] or '0'), room_fields[2]
decision.epoch = epoch
if room_state == 'closing' then
  decision.rule = 'room-closing'
  decision.candidates = {}
  return record(decision)
end

local hosted_worker, hosting_ids = {}, {}
for _, field in ipairs(redis.call('HKEYS', routers_key)) do
  local node_id, worker = string.match(field, '^(.*)#(%d+)$')
  local index = tonumber(worker)
  if node_id and hosted_worker[node_id] == nil then table.insert(hosting_ids, node_id) end
  if node_id and (hosted_worker[node_id] == nil or index < hosted_worker[node_id]) then
    hosted_worker[node_id] = index
  end
end
table.sort(hosting_ids)

-- Each examined node becomes a candidate entry; the ones that cannot take the peer say why.
local candidates, by_id, fitting, live_active = {}, {}, {}, 0
local rescored = {}

-- Examines one node once. zset_key and zset_score say where it was met, so that a member that does not belong
-- there (expired, draining, or of another region) leaves that zset. Returns whether the node is live and active,
-- and whether it left zset_key.
local function examine(node_id, zset_key, zset_score)
  local known = by_id[node_id]
  if known then
    if zset_key and (known.excluded == 'expired' or known.excluded == 'draining') then
      redis.call('ZREM', zset_key, node_id)
      return false, true
    end
    return known.live_active, false
  end

  local candidate = { nodeId = node_id, hostsRoom = hosted_worker[node_id] ~= nil, live_active = false }
  by_id[node_id] = candidate
  table.insert(candidates, candidate)

  local node = read_node(node_id)
  if not node then
    candidate.excluded = 'expired'
    unindex_node(node_id, nil)
    if zset_key then redis.call('ZREM', zset_key, node_id) end
    redis.call('ZREM', draining_key, node_id)
    return false, zset_key ~= nil
  end

  candidate.region = node.region
  if node.state ~= 'active' then
    candidate.excluded = 'draining'
    if zset_key and zset_key ~= draining_key then redis.call('ZREM', zset_key, node_id) end
    return false, zset_key ~= nil and zset_key ~= draining_key
  end

  local left = false
  if zset_key and zset_key ~= by_load_key and zset_key ~= by_load_in_region_key(node.region) then
    -- The node moved to another region since it entered this zset.
    redis.call('ZREM', zset_key, node_id)
    left = true
  end
  candidate.live_active = true
  live_active = live_active + 1

  local reserved_peers, reserved_consumers, next_expiry = reserved_load(node_id, now)
  candidate.reserved = { reserved_peers, reserved_consumers, next_expiry }
  local used_peers = node.load.peers + reserved_peers
  local used_consumers = node.load.consumers + reserved_consumers
  candidate.peers = used_peers
  candidate.consumers = used_consumers
  candidate.score = load_score(node, used_peers, used_consumers)
  if zset_score == nil or math.abs(zset_score - candidate.score) > 1e-9 then
    -- Rescored after the walk, so that zset ranks do not move under it.
    table.insert(rescored, { node = node, score = candidate.score })
  end

  if used_peers + cost_peers > node.capacity.maxPeers or used_consumers + cost_consumers > node.capacity.maxConsumers then
    candidate.excluded = 'full'
  else
    candidate.node = node
    table.insert(fitting, candidate)
  end
  return true, left
end

-- Walks a zset from its lowest score until limit live active nodes were met, it ends, or 4 batches were read.
-- A member removed on the way shifts the later ones down, so the next batch starts after the members kept.
local function examine_first(zset_key, limit)
  local seen, members_kept = 0, 0
  for _ = 1, 4 do
    local entries = redis.call('ZRANGE', zset_key, members_kept, members_kept + limit - 1, 'WITHSCORES')
    if #entries == 0 then return end
    for i = 1, #entries, 2 do
      local live, left = examine(entries[i], zset_key, tonumber(entries[i + 1]))
      if not left then members_kept = members_kept + 1 end
      if live then
        seen = seen + 1
        if seen >= limit then return end
      end
    end
  end
end

-- Stages, each only when the ones before found no fitting node: the hosting nodes, the region's zset, the global one.
for _, node_id in ipairs(hosting_ids) do examine(node_id, nil, nil) end
local hosts_fit, live_active_hosts = #fitting > 0, live_active
local region_fit = false
if not hosts_fit then
  if region ~= '' then
    examine_first(by_load_in_region_key(region), per_zset)
    region_fit = #fitting > 0
  end
  if not region_fit then examine_first(by_load_key, per_zset) end
  for _, node_id in ipairs(redis.call('ZRANGE', draining_key, 0, per_zset - 1)) do examine(node_id, draining_key, nil) end
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

local function apply_rescores(skip_id)
  for _, entry in ipairs(rescored) do
    if entry.node.id ~= skip_id then index_node(entry.node, entry.score) end
  end
end

local active_nodes = redis.call('ZCARD', by_load_key)
decision.activeNodes = active_nodes
if #fitting == 0 then
  apply_rescores(nil)
  decision.rule = live_active == 0 and 'no-active-node' or 'no-capacity'
  decision.candidates = public_candidates()
  return record(decision)
end

-- A stage that found fitting nodes chose by its rule when other active nodes exist; see the NOTE above.
local rule = nil
if hosts_fit and active_nodes > live_active_hosts then rule = 'room-affinity' end
if region_fit and active_nodes > redis.call('ZCARD', by_load_in_region_key(region)) then rule = 'region' end
if rule == nil and #fitting == 1 then rule = 'only-candidate' end

-- Narrow the fitting nodes rule by rule; the first rule that removes a node is the one that chose.
local function narrow(set, keep, name)
  local narrowed = {}
  for _, candidate in ipairs(set) do
    if keep(candidate) then table.insert(narrowed, candidate) end
  end
  if #narrowed == 0 or #narrowed == #set then return set end
  if rule == nil then rule = name end
  return narrowed
end

local chosen_set = fitting
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
  local worker_peers = {}
  for peers in string.gmatch(chosen.node.load.workerPeers or '', '[^,]+') do table.insert(worker_peers, tonumber(peers)) end
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

-- The reservation raises the node's score at once, so the next join, from any caller, sees it lower in the order.
local expires_at = now + reservation_ttl
local member = reservation_id .. '|' .. cost_peers .. '|' .. cost_consumers
local reserved = chosen.reserved
add_reservation(chosen.nodeId, member, expires_at, cost_peers, cost_consumers, reservation_ttl, reserved[1], reserved[2], reserved[3])
apply_rescores(chosen.nodeId)
index_node(chosen.node, load_score(chosen.node, chosen.peers + cost_peers, chosen.consumers + cost_consumers))

local encoded = record(decision)
local reservation = {
  id = reservation_id, roomId = room_id, peerId = peer_id, nodeId = chosen.nodeId, workerIndex = worker_index,
  cost = decision.cost, expiresAt = expires_at, decision = encoded,
}
redis.call('SET', reservation_key, cjson.encode(reservation), 'PX', reservation_ttl)
return encoded
`,
};
