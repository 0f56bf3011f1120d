-- Reserve a cart: every line or none.
-- ARGV[7] reservation id, ARGV[8] ttl (ms), ARGV[9] lines as JSON [[sku, node, qty], ...]
-- (node "" = any node of the channel; a store code for pickup).
--
-- A channel-wide hold may be served by any node, a node hold only by its node. The holds fit
-- the projection iff every node's holds fit its stock and all holds fit the channel total,
-- so a node can offer min(its own free stock, the channel's free stock).
-- Returns {"ok", expires_ms} | {"exists", state, expires_ms, lines_json} |
--         {"unknown_sku", sku...} | {"insufficient", sku, node, requested, available, ...} |
--         {"no_projection"}
purge()
local rid = ARGV[7]
local ttl = tonumber(ARGV[8])
local lines_json = ARGV[9]
local hold_key = P .. 'hold:' .. rid
local existing = redis.call('HMGET', hold_key, 'state', 'expires_ms', 'lines')
if existing[1] then
  return {'exists', existing[1], existing[2], existing[3]}
end
local gen = current_gen()
if not gen then
  return {'no_projection'}
end
local G = C .. 'g' .. gen .. ':s:'
local TOT = C .. 'g' .. gen .. ':tot'
local lines = cjson.decode(lines_json)

-- demand per SKU: total and per node, in first-seen order (stable error output)
local order, demand = {}, {}
for _, l in ipairs(lines) do
  local d = demand[l[1]]
  if not d then
    d = {total = 0, nodes = {}, node_order = {}}
    demand[l[1]] = d
    order[#order + 1] = l[1]
  end
  d.total = d.total + l[3]
  if l[2] ~= '' then
    if not d.nodes[l[2]] then
      d.node_order[#d.node_order + 1] = l[2]
      d.nodes[l[2]] = 0
    end
    d.nodes[l[2]] = d.nodes[l[2]] + l[3]
  end
end

local unknown, short = {'unknown_sku'}, {'insufficient'}
for _, sku in ipairs(order) do
  local d = demand[sku]
  local projected = redis.call('HGET', TOT, sku)
  if not projected then
    unknown[#unknown + 1] = sku
  else
    local hk = P .. 'h:' .. sku
    local free = num(projected) - num(redis.call('HGET', hk, 't'))
    if d.total > free then
      for _, v in ipairs({sku, '', d.total, math.max(free, 0)}) do short[#short + 1] = v end
    end
    for _, node in ipairs(d.node_order) do
      local at_node = math.max(num(redis.call('HGET', G .. sku, node)), 0)
        - num(redis.call('HGET', hk, 'n:' .. node))
      local can = math.min(at_node, free)
      if d.nodes[node] > can then
        for _, v in ipairs({sku, node, d.nodes[node], math.max(can, 0)}) do
          short[#short + 1] = v
        end
      end
    end
  end
end
if #unknown > 1 then
  return unknown
end
if #short > 1 then
  return short
end

for _, l in ipairs(lines) do
  local hk = P .. 'h:' .. l[1]
  redis.call('HINCRBY', hk, 't', l[3])
  redis.call('HINCRBY', P .. 'ht', l[1], l[3])
  redis.call('HINCRBY', hk, (l[2] == '') and '*' or ('n:' .. l[2]), l[3])
end
local expires = NOW + ttl
redis.call('HSET', hold_key, 'state', 'active', 'lines', lines_json, 'created_ms', NOW,
  'expires_ms', expires)
redis.call('ZADD', P .. 'exp', expires, rid)
return {'ok', expires}
