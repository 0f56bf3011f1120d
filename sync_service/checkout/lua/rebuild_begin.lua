-- Start a rebuild: pick a fresh generation, remember the outbox position it starts from, and
-- start logging live events for the swap. Returns {new_gen, abandoned_gen_or_false}.
local b = redis.call('INCR', P .. 'genseq')
local cur = num(current_gen())
if b <= cur then
  b = cur + 1
  redis.call('SET', P .. 'genseq', b)
end
local abandoned = redis.call('HGET', P .. 'meta', 'building')
local cursor = num(redis.call('HGET', P .. 'meta', 'cursor'))
redis.call('HSET', P .. 'meta', 'building', b, 'building_floor', cursor)
redis.call('DEL', P .. 'log')
return {b, abandoned or false}
