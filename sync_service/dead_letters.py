"""Dead letters: events that ran out of attempts, listed and replayed by an operator."""

from __future__ import annotations

import time

import orjson
import redis

from sync_service.inbox import keys
from sync_service.outbound import keys as outbox_keys

# KEYS: dead stream, inbox stream. ARGV: dead entry id. Move one entry back, attempts reset.
_REPLAY = """
local entry = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #entry == 0 then return nil end
local fields = entry[1][2]
local flat = {}
for i = 1, #fields, 2 do
  local k, v = fields[i], fields[i + 1]
  if k == 'attempts' then v = '0' end
  if k ~= 'last_error' then flat[#flat + 1] = k; flat[#flat + 1] = v end
end
local id = redis.call('XADD', KEYS[2], '*', unpack(flat))
redis.call('XDEL', KEYS[1], ARGV[1])
return id
"""


def list_dead(
    client: redis.Redis, count: int = 1000, *, newest_first: bool = False
) -> list[dict[str, str]]:
    """Inbox dead letters, oldest first (or newest first), at most ``count``. An entry's id
    is the moment it was dead-lettered (Redis stream ids start with milliseconds)."""
    read = client.xrevrange if newest_first else client.xrange
    rows = []
    for entry_id, fields in read(keys.DEAD, count=count):
        row = {"id": entry_id.decode()}
        for name in ("event_id", "source", "kind", "topic", "attempts", "last_error"):
            row[name] = fields.get(name.encode(), b"").decode()
        rows.append(row)
    return rows


def replay(client: redis.Redis, ids: list[str] | None = None) -> list[str]:
    """Move dead letters (all, or those ids) back into the inbox; returns the ids moved."""
    script = client.register_script(_REPLAY)
    if not ids:
        ids = [entry_id.decode() for entry_id, _ in client.xrange(keys.DEAD)]
    moved = []
    for entry_id in ids:
        if script(keys=[keys.DEAD, keys.STREAM], args=[entry_id]) is not None:
            moved.append(entry_id)
    return moved


def replay_outbox(client: redis.Redis, ids: list[str] | None = None) -> list[str]:
    """Move dead shop pushes (all, or those ids) back to the push retry set, due now."""
    entries = client.xrange(outbox_keys.DEAD)
    wanted = set(ids or [entry_id.decode() for entry_id, _ in entries])
    moved = []
    for entry_id, fields in entries:
        if entry_id.decode() not in wanted:
            continue
        parked = orjson.dumps({"event": orjson.loads(fields[b"event"]), "attempts": 0})
        with client.pipeline(transaction=True) as pipe:
            pipe.zadd(outbox_keys.RETRY, {parked: time.time()})
            pipe.xdel(outbox_keys.DEAD, entry_id)
            pipe.execute()
        moved.append(entry_id.decode())
    return moved
