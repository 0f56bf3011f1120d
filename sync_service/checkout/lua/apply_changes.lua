-- Apply outbox stock.changed events to the live projection.
-- ARGV[7] JSON [[event_id, sku, node, sellable], ...] in outbox order. The pool's
-- watermark moves separately (watermark.lua), once every channel of the batch is applied.
-- Events of nodes the channel does not sell from are ignored (once the channel's node list
-- is known from a rebuild). While a rebuild is under way, applied events are also logged so
-- the swap replays them on top of the snapshot.
-- Returns {applied, ignored_as_duplicate_or_old, ignored_foreign_node}.
redis.call('SADD', P .. 'channels', C)
local events = cjson.decode(ARGV[7])
local gen = current_gen()
if not gen then
  -- No projection yet: the first rebuild's export, requested later, contains these events;
  -- if that rebuild is already under way they may be newer than its snapshot, so the swap
  -- replays them. Readers answer "not ready" meanwhile rather than a half projection.
  local pre = redis.call('HMGET', C .. 'meta', 'cursor', 'building')
  local cursor = num(pre[1])
  for _, e in ipairs(events) do
    if e[1] > cursor then cursor = e[1] end
    if pre[2] then
      redis.call('RPUSH', C .. 'log', cjson.encode({e[1], e[2], e[3], e[4]}))
    end
  end
  redis.call('HSET', C .. 'meta', 'cursor', cursor)
  return {0, #events, 0}
end
local Gp = C .. 'g' .. gen .. ':'
local meta = redis.call('HMGET', C .. 'meta', 'floor', 'building', 'cursor')
local floor, building, cursor = num(meta[1]), meta[2], num(meta[3])
local restrict = redis.call('SCARD', Gp .. 'nodes') > 0
local applied, old, foreign = 0, 0, 0
for _, e in ipairs(events) do
  local id, sku, node, value = e[1], e[2], e[3], e[4]
  if restrict and redis.call('SISMEMBER', Gp .. 'nodes', node) == 0 then
    foreign = foreign + 1
  elseif apply_one(Gp, floor, sku, node, value, id) then
    applied = applied + 1
    if building then
      redis.call('RPUSH', C .. 'log', cjson.encode({id, sku, node, value}))
    end
  else
    old = old + 1
  end
  if id > cursor then cursor = id end
end
redis.call('HSET', C .. 'meta', 'cursor', cursor)
return {applied, old, foreign}
