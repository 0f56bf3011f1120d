-- Shared prelude of every checkout script (prepended by scripts.py).
--
-- Keys: P = the stock pool "oms:ck:{stock}:" (holds, shared by every channel, since channels
-- sell the same units), C = one channel's projection "oms:ck:{stock}:c:<channel>:". The hash
-- tag keeps them in one cluster slot, as scripts require.
-- ARGV[1] P   ARGV[2] C   ARGV[3] now (ms, the caller's clock)   ARGV[4] purge limit
-- ARGV[5] retention of finished holds (ms)   ARGV[6] max age of a converted hold (ms)
-- Script-specific arguments start at ARGV[7].
local P = ARGV[1]
local C = ARGV[2]
local NOW = tonumber(ARGV[3])
local PURGE_LIMIT = tonumber(ARGV[4])
local RETAIN_MS = tonumber(ARGV[5])
local CONVERTED_MAX_AGE_MS = tonumber(ARGV[6])

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
    if redis.call('HINCRBY', P .. 'ht', l[1], -l[3]) <= 0 then
      redis.call('HDEL', P .. 'ht', l[1])
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

-- Up to when (our clock) every committed Odoo transaction is in every channel's projection:
-- the outbox watermark, or the oldest of the channels' last rebuild requests.
local function watermark()
  local wm = num(redis.call('HGET', P .. 'meta', 'wm'))
  local oldest_rebuild = nil
  for _, channel in ipairs(redis.call('SMEMBERS', P .. 'channels')) do
    local rebuilt = num(redis.call('HGET', channel .. 'meta', 'rebuilt_wm'))
    if oldest_rebuild == nil or rebuilt < oldest_rebuild then
      oldest_rebuild = rebuilt
    end
  end
  return math.max(wm, oldest_rebuild or 0)
end

-- Expired holds give their stock back here, inside every script that reads or takes stock,
-- so correctness never waits for a key expiry or a keyspace notification.
-- Converted holds stop counting once every projection has seen Odoo's stock after the
-- conversion (watermark(), see docs/checkout.md) or after the max age backstop.
-- Returns true when more work is left than the limit allowed.
local function purge()
  local expired = redis.call('ZRANGEBYSCORE', P .. 'exp', '-inf', NOW, 'LIMIT', 0, PURGE_LIMIT)
  for _, rid in ipairs(expired) do
    finish(rid, 'expired', P .. 'exp')
  end
  local settled = {}
  if redis.call('EXISTS', P .. 'conv') == 1 then
    local settle_before = math.max(watermark(), NOW - CONVERTED_MAX_AGE_MS)
    settled = redis.call('ZRANGEBYSCORE', P .. 'conv', '-inf', settle_before,
      'LIMIT', 0, PURGE_LIMIT)
    for _, rid in ipairs(settled) do
      finish(rid, 'settled', P .. 'conv')
    end
  end
  return #expired == PURGE_LIMIT or #settled == PURGE_LIMIT
end

local function current_gen()
  return redis.call('GET', C .. 'gen')
end
