-- Move the pool's outbox watermark (never back), once a batch is applied to every channel.
-- ARGV[7] watermark (ms, our clock: the newest event's create_date minus the clock margin).
local wm = math.max(num(redis.call('HGET', P .. 'meta', 'wm')), tonumber(ARGV[7]))
redis.call('HSET', P .. 'meta', 'wm', wm)
return wm
