-- Sellable figures of a list of SKUs, after purging expired holds.
-- ARGV[7] mode: "total" (per SKU) or "nodes" (per SKU and node); ARGV[8] SKUs as a JSON
-- array (one argument: packing 100 arguments costs the client more than the whole script).
-- Returns one JSON string (a single bulk reply parses far faster than nested arrays):
-- [more_to_purge, gen, per SKU: total mode [projected, held]; nodes mode
-- [projection HGETALL, holds HGETALL]], false for a SKU unknown to the projection.
local more = purge()
local gen = current_gen()
if not gen then
  return cjson.encode({more, false})
end
local G = C .. 'g' .. gen .. ':s:'
local out = {more, gen}
local mode = ARGV[7]
for _, sku in ipairs(cjson.decode(ARGV[8])) do
  if mode == 'total' then
    local projected = redis.call('HGET', G .. sku, '@')
    if projected then
      out[#out + 1] = {num(projected), num(redis.call('HGET', P .. 'h:' .. sku, 't'))}
    else
      out[#out + 1] = false
    end
  else
    local projection = redis.call('HGETALL', G .. sku)
    if #projection > 0 then
      out[#out + 1] = {projection, redis.call('HGETALL', P .. 'h:' .. sku)}
    else
      out[#out + 1] = false
    end
  end
end
return cjson.encode(out)
