-- Sellable figures of a list of SKUs, after purging expired holds.
-- ARGV[7] mode: "total" (per SKU) or "nodes" (per SKU and node); ARGV[8] SKUs as a JSON
-- array (one argument: packing 100 arguments costs the client more than the whole script).
-- Returns one JSON string (a single bulk reply parses far faster than nested arrays):
-- [more_to_purge, gen, totals, held, nodes?]: totals and held are HMGETs in SKU order
-- (false = SKU unknown / nothing held); in nodes mode, per SKU [projection HGETALL, holds
-- HGETALL]. A listing page is two HMGETs whatever its size and the number of nodes.
local more = purge()
local gen = current_gen()
if not gen then
  return cjson.encode({more, false})
end
local Gp = C .. 'g' .. gen .. ':'
local skus = cjson.decode(ARGV[8])
local totals = redis.call('HMGET', Gp .. 'tot', unpack(skus))
local held = redis.call('HMGET', P .. 'ht', unpack(skus))
local out = {more, gen, totals, held}
if ARGV[7] == 'nodes' then
  local nodes = {}
  for i, sku in ipairs(skus) do
    if totals[i] then
      nodes[i] = {redis.call('HGETALL', Gp .. 's:' .. sku), redis.call('HGETALL', P .. 'h:' .. sku)}
    else
      nodes[i] = false
    end
  end
  out[5] = nodes
end
return cjson.encode(out)
