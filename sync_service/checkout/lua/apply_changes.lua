-- Apply outbox stock.changed events to the live projection.
-- ARGV[6] JSON [[event_id, sku, node, sellable, watermark_ms], ...] in outbox order
-- (watermark_ms = the event's create_date minus the clock margin, 0 if unknown).
-- Events of nodes the channel does not sell from are ignored (once the channel's node list
-- is known from a rebuild). While a rebuild is under way, applied events are also logged so
-- the swap replays them on top of the snapshot.
-- Returns {applied, ignored_as_duplicate_or_old, ignored_foreign_node}.
local gen = current_gen()
if not gen then
  gen = '1'
  redis.call('SET', P .. 'gen', gen)
  redis.call('SETNX', P .. 'genseq', 1)
end
local Gp = P .. 'g' .. gen .. ':'
local meta = redis.call('HMGET', P .. 'meta', 'floor', 'building', 'cursor', 'wm')
local floor, building = num(meta[1]), meta[2]
local cursor, wm = num(meta[3]), num(meta[4])
local restrict = redis.call('SCARD', Gp .. 'nodes') > 0
local applied, old, foreign = 0, 0, 0
for _, e in ipairs(cjson.decode(ARGV[6])) do
  local id, sku, node, value = e[1], e[2], e[3], e[4]
  if restrict and redis.call('SISMEMBER', Gp .. 'nodes', node) == 0 then
    foreign = foreign + 1
  elseif apply_one(Gp, floor, sku, node, value, id) then
    applied = applied + 1
    if building then
      redis.call('RPUSH', P .. 'log', cjson.encode({id, sku, node, value}))
    end
  else
    old = old + 1
  end
  if id > cursor then cursor = id end
  if e[5] > wm then wm = e[5] end
end
redis.call('HSET', P .. 'meta', 'cursor', cursor, 'wm', wm)
return {applied, old, foreign}
