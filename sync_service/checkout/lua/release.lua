-- Release an active hold now (the customer left, the payment failed).
-- ARGV[7] reservation id. Returns the hold's state before: "active" means it was released;
-- "expired"/"released"/"converted"/"settled" are answered as they are; false = unknown.
purge()
local rid = ARGV[7]
local state = redis.call('HGET', P .. 'hold:' .. rid, 'state')
if state == 'active' then
  finish(rid, 'released', P .. 'exp')
end
return state or false
