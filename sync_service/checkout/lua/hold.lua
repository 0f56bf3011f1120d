-- Read one hold (after purging, so an expired hold reads as expired).
-- ARGV[7] reservation id. Returns HGETALL of the hold record (empty = unknown).
purge()
return redis.call('HGETALL', P .. 'hold:' .. ARGV[7])
