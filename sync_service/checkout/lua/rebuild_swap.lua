-- Switch readers to a fully written generation in one step, after replaying the events that
-- arrived while it was built. ARGV[7] generation, ARGV[8] snapshot watermark (ms, taken
-- before export_sellable was called), ARGV[9] the export's outbox cursor (0 if unknown):
-- events up to it are in the snapshot, so neither the replay nor a late consumer applies
-- them again. Returns {"ok", old_gen_or_false} | {"aborted"}.
local b = ARGV[7]
local meta = redis.call('HMGET', C .. 'meta', 'building', 'building_floor', 'rebuilt_wm',
  'cursor')
if meta[1] ~= b then
  return {'aborted'}
end
local floor = math.max(num(meta[2]), tonumber(ARGV[9]))
local Gp = C .. 'g' .. b .. ':'
for _, raw in ipairs(redis.call('LRANGE', C .. 'log', 0, -1)) do
  local e = cjson.decode(raw)
  apply_one(Gp, floor, e[2], e[3], e[4], e[1])
end
local old = current_gen()
redis.call('SET', C .. 'gen', b)
redis.call('HSET', C .. 'meta', 'floor', floor, 'rebuilt_ms', NOW,
  'cursor', math.max(num(meta[4]), floor),
  'rebuilt_wm', math.max(num(meta[3]), tonumber(ARGV[8])))
redis.call('HDEL', C .. 'meta', 'building', 'building_floor')
redis.call('DEL', C .. 'log')
return {'ok', old or false}
