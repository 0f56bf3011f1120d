-- Start a rebuild: pick a fresh generation, remember the outbox position it starts from, and
-- start logging live events for the swap. Returns {new_gen, abandoned_gen_or_false}.
redis.call('SADD', P .. 'channels', C)
local b = redis.call('INCR', C .. 'genseq')
local cur = num(current_gen())
if b <= cur then
  b = cur + 1
  redis.call('SET', C .. 'genseq', b)
end
local abandoned = redis.call('HGET', C .. 'meta', 'building')
local cursor = num(redis.call('HGET', C .. 'meta', 'cursor'))
redis.call('HSET', C .. 'meta', 'building', b, 'building_floor', cursor)
redis.call('DEL', C .. 'log')
return {b, abandoned or false}
