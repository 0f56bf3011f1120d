-- Give an active hold more time (payment still in progress, e.g. 3-D Secure).
-- ARGV[7] reservation id, ARGV[8] new TTL from now (ms). Never shortens a hold.
-- Returns {state, expires_ms}; state false = unknown hold. Only "active" holds move.
purge()
local rid = ARGV[7]
local key = P .. 'hold:' .. rid
local rec = redis.call('HMGET', key, 'state', 'expires_ms')
if rec[1] ~= 'active' then
  return {rec[1] or false, rec[2] or false}
end
local expires = math.max(num(rec[2]), NOW + tonumber(ARGV[8]))
redis.call('HSET', key, 'expires_ms', expires)
redis.call('ZADD', P .. 'exp', expires, rid)
return {'active', expires}
