import { NODE_KEYS_LUA } from '../keys';

/**
 * Lua functions shared by the scripts that change a node's load: the
 * running sums of its reservations, the node:<id>:load hash, its load
 * score, and its place in the by-load zsets. A script that includes them
 * sets the local `prefix` first.
 *
 * The sums in node:<id>:reserved let a script read a node's reserved load
 * with one HMGET however many reservations it holds. Expired reservations
 * leave the sums the first time a script looks at the node after the
 * earliest expiry (field next), so each reservation is subtracted once.
 */
export const NODE_LOAD_LUA = `${NODE_KEYS_LUA}
-- Reserved peers and consumers of a node at now, after dropping the reservations that expired by then,
-- and the earliest expiry left (nil when none is left).
local function reserved_load(node_id, now)
  local sums_key = node_reserved_key(node_id)
  local sums = redis.call('HMGET', sums_key, 'peers', 'consumers', 'next')
  local peers, consumers, next_expiry = tonumber(sums[1]) or 0, tonumber(sums[2]) or 0, tonumber(sums[3])
  if next_expiry == nil or next_expiry > now then return peers, consumers, next_expiry end

  local members_key = node_reservations_key(node_id)
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', members_key, '-inf', now)) do
    local _, member_peers, member_consumers = string.match(member, '^(.*)|(%d+)|(%d+)$')
    peers = peers - tonumber(member_peers)
    consumers = consumers - tonumber(member_consumers)
  end
  redis.call('ZREMRANGEBYSCORE', members_key, '-inf', now)

  local first = redis.call('ZRANGE', members_key, 0, 0, 'WITHSCORES')
  if #first == 0 then
    redis.call('DEL', sums_key)
    return 0, 0, nil
  end
  redis.call('HSET', sums_key, 'peers', peers, 'consumers', consumers, 'next', first[2])
  return peers, consumers, tonumber(first[2])
end

-- Adds one reservation to a node whose sums reserved_load() just returned. The sums get the zset's TTL,
-- so that both keys expire together.
local function add_reservation(node_id, member, expires_at, cost_peers, cost_consumers, ttl, reserved_peers, reserved_consumers, next_expiry)
  local members_key, sums_key = node_reservations_key(node_id), node_reserved_key(node_id)
  if next_expiry == nil or expires_at < next_expiry then next_expiry = expires_at end
  redis.call('ZADD', members_key, expires_at, member)
  redis.call('HSET', sums_key, 'peers', reserved_peers + cost_peers, 'consumers', reserved_consumers + cost_consumers, 'next', next_expiry)
  redis.call('PEXPIRE', members_key, ttl)
  redis.call('PEXPIRE', sums_key, ttl)
end

-- Removes one reservation, expired or not. Returns 1 when it was still in the zset, else 0.
local function remove_reservation(node_id, member, cost_peers, cost_consumers)
  local members_key, sums_key = node_reservations_key(node_id), node_reserved_key(node_id)
  if redis.call('ZREM', members_key, member) == 0 then return 0 end

  if redis.call('ZCARD', members_key) == 0 then
    redis.call('DEL', sums_key)
  elseif redis.call('EXISTS', sums_key) == 1 then
    -- 0 - cost, because -0 would reach Redis as "-0", which HINCRBY rejects.
    redis.call('HINCRBY', sums_key, 'peers', 0 - cost_peers)
    redis.call('HINCRBY', sums_key, 'consumers', 0 - cost_consumers)
  end
  return 1
end

-- Writes the fields of a node table that placement reads to node:<id>:load, which read_node() reads back.
-- ttl is the record's TTL in ms, or nil to keep the TTL of an existing hash (and write nothing when it is missing).
local function write_node_load(node, ttl)
  local load_key = node_load_key(node.id)
  if ttl == nil and redis.call('EXISTS', load_key) == 0 then return end

  local worker_peers = node.load.workerPeers
  if type(worker_peers) == 'table' then worker_peers = table.concat(worker_peers, ',') end
  redis.call('HSET', load_key, 'state', node.state, 'region', node.region, 'peers', node.load.peers,
    'consumers', node.load.consumers, 'cpu', node.load.cpu, 'maxPeers', node.capacity.maxPeers,
    'maxConsumers', node.capacity.maxConsumers, 'workerPeers', worker_peers or '')
  if ttl then redis.call('PEXPIRE', load_key, ttl) end
end

-- The live node as placement needs it, or nil when its record expired. workerPeers stays a "n,n,.." string.
-- The hash spares decoding the record's JSON; a record written without it (by an older registry) is decoded.
local function read_node(node_id)
  if redis.call('EXISTS', node_key(node_id)) == 0 then return nil end

  local fields = redis.call('HMGET', node_load_key(node_id), 'state', 'region', 'peers', 'consumers', 'cpu', 'maxPeers', 'maxConsumers', 'workerPeers')
  if not fields[1] then
    local node = cjson.decode(redis.call('GET', node_key(node_id)))
    if type(node.load.workerPeers) == 'table' then node.load.workerPeers = table.concat(node.load.workerPeers, ',') end
    return node
  end
  return {
    id = node_id, state = fields[1], region = fields[2],
    load = { peers = tonumber(fields[3]), consumers = tonumber(fields[4]), cpu = tonumber(fields[5]), workerPeers = fields[8] },
    capacity = { maxPeers = tonumber(fields[6]), maxConsumers = tonumber(fields[7]) },
  }
end

-- Load score from 0 (idle) to 1 (full): the highest of the peer share, the consumer share and CPU.
local function load_score(node, used_peers, used_consumers)
  return math.max(
    used_peers / math.max(node.capacity.maxPeers, 1),
    used_consumers / math.max(node.capacity.maxConsumers, 1),
    node.load.cpu)
end

local function index_node(node, score)
  redis.call('ZADD', by_load_key, score, node.id)
  redis.call('ZADD', by_load_in_region_key(node.region), score, node.id)
end

local function unindex_node(node_id, region)
  redis.call('ZREM', by_load_key, node_id)
  if region then redis.call('ZREM', by_load_in_region_key(region), node_id) end
end

-- Puts a live node where placement looks for it: an active one in the by-load zsets, a draining one in the draining zset only.
local function refresh_node_index(node, now)
  if node.state == 'active' then
    local reserved_peers, reserved_consumers = reserved_load(node.id, now)
    index_node(node, load_score(node, node.load.peers + reserved_peers, node.load.consumers + reserved_consumers))
    redis.call('ZREM', draining_key, node.id)
  else
    unindex_node(node.id, node.region)
    redis.call('ZADD', draining_key, 'NX', now, node.id)
  end
end
`;
