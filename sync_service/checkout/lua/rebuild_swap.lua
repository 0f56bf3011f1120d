-- Switch readers to a fully written generation in one step, after replaying the events that
-- arrived while it was built. ARGV[6] generation, ARGV[7] snapshot watermark (ms, taken
-- before export_sellable was called). Returns {"ok", old_gen_or_false} | {"aborted"}.
local b = ARGV[6]
local meta = redis.call('HMGET', P .. 'meta', 'building', 'building_floor', 'wm')
if meta[1] ~= b then
  return {'aborted'}
end
local floor = num(meta[2])
local Gp = P .. 'g' .. b .. ':'
for _, raw in ipairs(redis.call('LRANGE', P .. 'log', 0, -1)) do
  local e = cjson.decode(raw)
  apply_one(Gp, floor, e[2], e[3], e[4], e[1])
end
local old = current_gen()
redis.call('SET', P .. 'gen', b)
redis.call('HSET', P .. 'meta', 'floor', floor, 'rebuilt_ms', NOW,
  'wm', math.max(num(meta[3]), tonumber(ARGV[7])))
redis.call('HDEL', P .. 'meta', 'building', 'building_floor')
redis.call('DEL', P .. 'log')
return {'ok', old or false}
