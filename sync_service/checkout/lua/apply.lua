-- Helper prepended to the scripts that write the projection (after common.lua).
-- Sets one (sku, node) figure in generation prefix Gp unless an event at least as new was
-- applied already: replays of the outbox are no-ops. The generation's "tot" hash keeps each
-- SKU's channel total (sum of non-negative node figures), so a listing page of 100 SKUs is
-- one HMGET whatever the number of nodes.
local function apply_one(Gp, floor, sku, node, value, id)
  local vk = Gp .. 'v:' .. sku
  if id <= math.max(floor, num(redis.call('HGET', vk, node))) then
    return false
  end
  local sk = Gp .. 's:' .. sku
  local old = num(redis.call('HGET', sk, node))
  redis.call('HSET', sk, node, value)
  redis.call('HSET', vk, node, id)
  redis.call('HINCRBY', Gp .. 'tot', sku, math.max(value, 0) - math.max(old, 0))
  redis.call('SADD', Gp .. 'skus', sku)
  return true
end
