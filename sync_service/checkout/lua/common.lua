-- Shared prelude of every checkout script (prepended by scripts.py).
--
-- All keys of one channel share the hash tag {channel}, so a script only touches one slot.
-- ARGV[1] prefix "oms:ck:{webshop}:"   ARGV[2] now (ms, from the caller's clock)
-- ARGV[3] purge limit                  ARGV[4] retention of finished holds (ms)
-- ARGV[5] max age of a converted hold (ms)
-- Script-specific arguments start at ARGV[6].
local P = ARGV[1]
local NOW = tonumber(ARGV[2])
local PURGE_LIMIT = tonumber(ARGV[3])
local RETAIN_MS = tonumber(ARGV[4])
local CONVERTED_MAX_AGE_MS = tonumber(ARGV[5])

local function num(v)
  return tonumber(v) or 0
end

-- Give a hold's quantities back: the counters in h:<sku> are what availability subtracts.
local function unhold(rid)
  local lines = redis.call('HGET', P .. 'hold:' .. rid, 'lines')
  if not lines then
    return
  end
  for _, l in ipairs(cjson.decode(lines)) do
    local hk = P .. 'h:' .. l[1]
    local field = (l[2] == '') and '*' or ('n:' .. l[2])
    if redis.call('HINCRBY', hk, field, -l[3]) <= 0 then
      redis.call('HDEL', hk, field)
    end
    if redis.call('HINCRBY', hk, 't', -l[3]) <= 0 then
      redis.call('DEL', hk)
    end
  end
end

local function finish(rid, state, zset)
  unhold(rid)
  local key = P .. 'hold:' .. rid
  redis.call('HSET', key, 'state', state, 'finished_ms', NOW)
  redis.call('PEXPIRE', key, RETAIN_MS)
  redis.call('ZREM', zset, rid)
end

-- Expired holds give their stock back here, inside every script that reads or takes stock,
-- so correctness never waits for a key expiry or a keyspace notification.
-- Converted holds stop counting once the projection has seen Odoo's stock after the
-- conversion (meta.wm, see docs/checkout.md) or after the max age backstop.
-- Returns true when more work is left than the limit allowed.
local function purge()
  local expired = redis.call('ZRANGEBYSCORE', P .. 'exp', '-inf', NOW, 'LIMIT', 0, PURGE_LIMIT)
  for _, rid in ipairs(expired) do
    finish(rid, 'expired', P .. 'exp')
  end
  local wm = num(redis.call('HGET', P .. 'meta', 'wm'))
  local settle_before = math.max(wm, NOW - CONVERTED_MAX_AGE_MS)
  local settled = redis.call('ZRANGEBYSCORE', P .. 'conv', '-inf', settle_before,
    'LIMIT', 0, PURGE_LIMIT)
  for _, rid in ipairs(settled) do
    finish(rid, 'settled', P .. 'conv')
  end
  return #expired == PURGE_LIMIT or #settled == PURGE_LIMIT
end

local function current_gen()
  return redis.call('GET', P .. 'gen')
end
