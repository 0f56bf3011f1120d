-- Sellable figures of a list of SKUs, after purging expired holds.
-- ARGV[7] mode: "total" (per SKU) or "nodes" (per SKU and node); ARGV[8] SKUs as a JSON
-- array (one argument: packing 100 arguments costs the client more than the whole script).
-- Returns one JSON string (a single bulk reply parses far faster than nested arrays):
-- [more_to_purge, gen, totals, held, nodes?]: totals and held are HMGETs in SKU order
-- (false = SKU unknown / nothing held); in nodes mode, per SKU [projection HGETALL, holds
-- HGETALL]; in stores mode (ARGV[9] = JSON list of pickup stores), per SKU how many of those
-- stores can hand over a unit now. A listing page is two HMGETs whatever its size and the
-- number of nodes.
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
elseif ARGV[7] == 'stores' then
  local stores = cjson.decode(ARGV[9])
  local counts = {}
  for i, sku in ipairs(skus) do
    local n = 0
    if totals[i] and num(totals[i]) - num(held[i]) > 0 then
      local figures = redis.call('HMGET', Gp .. 's:' .. sku, unpack(stores))
      local hk = P .. 'h:' .. sku
      -- store holds only exist when the total held exceeds the channel-wide part
      if held[i] and num(held[i]) > num(redis.call('HGET', hk, '*')) then
        for j = 1, #stores do
          local v = figures[j]
          if v and tonumber(v) - num(redis.call('HGET', hk, 'n:' .. stores[j])) > 0 then
            n = n + 1
          end
        end
      else
        for j = 1, #stores do
          local v = figures[j]
          if v and tonumber(v) > 0 then n = n + 1 end
        end
      end
    end
    counts[i] = n
  end
  out[5] = counts
end
return cjson.encode(out)
