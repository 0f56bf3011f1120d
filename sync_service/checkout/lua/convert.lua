-- The order of this hold arrived in Odoo: the hold becomes "converted" and keeps counting
-- until the projection has caught up with Odoo's reservation for the order (purge()).
-- ARGV[7] reservation id, ARGV[8] order reference.
-- Returns {state_before, order_ref_on_record}; state_before false = unknown hold.
purge()
local rid = ARGV[7]
local ref = ARGV[8]
local key = P .. 'hold:' .. rid
local rec = redis.call('HMGET', key, 'state', 'order_ref')
if rec[1] == 'active' then
  redis.call('HSET', key, 'state', 'converted', 'order_ref', ref, 'converted_ms', NOW)
  redis.call('ZREM', P .. 'exp', rid)
  redis.call('ZADD', P .. 'conv', NOW, rid)
  return {'active', ref}
end
return {rec[1] or false, rec[2] or false}
