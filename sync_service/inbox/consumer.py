"""Workers' side of the inbox: read in batches, reclaim stuck entries, ack, retry, dead-letter.

An event moves atomically between three places, never lost, never in two at once:
``oms:inbox`` (stream, consumer group ``ingest``) -> on failure ``oms:inbox:retry`` (zset by
due time) -> back to the stream when due -> after the last attempt ``oms:inbox:dead`` (stream),
from where ``python -m sync_service replay-dead-letters`` puts it back. While Odoo cannot be
reached an event read for it stays pending in the stream, its id in ``oms:inbox:parked``.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import redis

from sync_service.inbox import keys

# KEYS: stream, retry zset, dead stream. ARGV: group, id, max attempts, due ms, error, permanent
_FAIL = """
local entry = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if #entry == 0 then return 'gone' end
redis.call('XDEL', KEYS[1], ARGV[2])
local fields = entry[1][2]
local event = {}
for i = 1, #fields, 2 do event[fields[i]] = fields[i + 1] end
local attempts = tonumber(event['attempts'] or '0') + 1
event['attempts'] = tostring(attempts)
event['last_error'] = ARGV[5]
if attempts >= tonumber(ARGV[3]) or ARGV[6] == '1' then
  local flat = {}
  for k, v in pairs(event) do flat[#flat + 1] = k; flat[#flat + 1] = v end
  redis.call('XADD', KEYS[3], '*', unpack(flat))
  return 'dead'
end
redis.call('ZADD', KEYS[2], ARGV[4], cmsgpack.pack(event))
return 'retry'
"""

# KEYS: stream, retry zset. ARGV: now ms, limit
_PROMOTE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, member in ipairs(due) do
  local event = cmsgpack.unpack(member)
  local flat = {}
  for k, v in pairs(event) do flat[#flat + 1] = k; flat[#flat + 1] = v end
  redis.call('XADD', KEYS[1], '*', unpack(flat))
  redis.call('ZREM', KEYS[2], member)
end
return #due
"""


@dataclass(frozen=True, slots=True)
class InboxEvent:
    stream_id: str
    fields: dict[str, bytes]

    def field(self, name: str) -> str:
        return self.fields.get(name, b"").decode()

    @property
    def event_id(self) -> str:
        return self.field("event_id")

    @property
    def kind(self) -> str:
        return self.field("kind")


class InboxConsumer:
    """One named consumer of the ``ingest`` group (one per worker process)."""

    def __init__(
        self,
        client: redis.Redis,
        consumer: str,
        *,
        max_attempts: int,
        retry_base_s: float,
        retry_max_s: float,
        claim_idle_ms: int,
    ) -> None:
        self.redis = client
        self.consumer = consumer
        self.max_attempts = max_attempts
        self.retry_base_s = retry_base_s
        self.retry_max_s = retry_max_s
        self.claim_idle_ms = claim_idle_ms
        self._fail = client.register_script(_FAIL)
        self._promote = client.register_script(_PROMOTE)

    def ensure_group(self) -> None:
        try:
            self.redis.xgroup_create(keys.STREAM, keys.GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def prune_consumers(self, idle_ms: int = 3_600_000) -> int:
        """Forget consumers of worker processes long gone that hold nothing pending.

        Each worker process joins the group under its own name; without this the group's
        consumer list grows with every restart.
        """
        pruned = 0
        for info in self.redis.xinfo_consumers(keys.STREAM, keys.GROUP):
            name = info["name"].decode() if isinstance(info["name"], bytes) else info["name"]
            if name != self.consumer and info["pending"] == 0 and info["idle"] > idle_ms:
                self.redis.xgroup_delconsumer(keys.STREAM, keys.GROUP, name)
                pruned += 1
        return pruned

    def promote_due(self, limit: int = 1000) -> int:
        """Put retries whose backoff has passed back into the stream."""
        return self._promote(keys=[keys.STREAM, keys.RETRY], args=[_now_ms(), limit])

    def read(self, count: int) -> list[InboxEvent]:
        """Events parked while Odoo was away first, then stuck entries of dead consumers
        (XAUTOCLAIM), then new ones."""
        events = self._unpark(count)
        if len(events) < count:
            _next, claimed, *_ = self.redis.xautoclaim(
                keys.STREAM, keys.GROUP, self.consumer, self.claim_idle_ms, "0-0",
                count=count - len(events),
            )  # fmt: skip
            events += [_event(sid, fields) for sid, fields in claimed if fields]
        if len(events) < count:
            for _stream, entries in (
                self.redis.xreadgroup(
                    keys.GROUP, self.consumer, {keys.STREAM: ">"}, count=count - len(events)
                )
                or []
            ):
                events.extend(_event(sid, fields) for sid, fields in entries if fields)
        return events

    def park(self, events: list[InboxEvent]) -> None:
        """Odoo could not be used for these: they stay pending in the stream as they are
        (attempts untouched) and the next drain that reaches Odoo takes them first."""
        if events:
            self.redis.sadd(keys.PARKED, *[event.stream_id for event in events])

    def _unpark(self, count: int) -> list[InboxEvent]:
        parked = sorted(self.redis.smembers(keys.PARKED), key=_stream_order)[:count]
        if not parked:
            return []
        # Taken over whoever read them (maybe a worker gone since); an id acknowledged in the
        # meantime is no longer pending and comes back empty.
        claimed = self.redis.xclaim(keys.STREAM, keys.GROUP, self.consumer, 0, parked)
        self.redis.srem(keys.PARKED, *parked)
        return [_event(sid, fields) for sid, fields in claimed if fields]

    def ack(self, events: list[InboxEvent]) -> None:
        if not events:
            return
        ids = [event.stream_id for event in events]
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.xack(keys.STREAM, keys.GROUP, *ids)
            pipe.xdel(keys.STREAM, *ids)
            pipe.execute()

    def fail(self, event: InboxEvent, error: str, *, permanent: bool = False) -> str:
        """Schedule a retry with exponential backoff and jitter, or dead-letter: 'retry'|'dead'."""
        attempts = int(event.field("attempts") or 0) + 1
        delay = min(self.retry_max_s, self.retry_base_s * 2 ** (attempts - 1))
        due_ms = _now_ms() + int(delay * random.uniform(0.5, 1.0) * 1000)
        outcome = self._fail(
            keys=[keys.STREAM, keys.RETRY, keys.DEAD],
            args=[keys.GROUP, event.stream_id, self.max_attempts, due_ms, error[:500],
                  "1" if permanent else "0"],
        )  # fmt: skip
        return outcome.decode() if isinstance(outcome, bytes) else outcome

    def lag(self) -> tuple[int, int, float]:
        """(events not yet acknowledged, retries waiting, age in s of the oldest stored)."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.xlen(keys.STREAM)
        pipe.zcard(keys.RETRY)
        pipe.xrange(keys.STREAM, count=1)
        length, retries, first = pipe.execute()
        age = 0.0
        if first:
            age = max(0.0, time.time() - int(first[0][0].split(b"-")[0]) / 1000)
        return length, retries, age


def _stream_order(stream_id: bytes) -> tuple[int, int]:
    millis, _, sequence = stream_id.partition(b"-")
    return int(millis), int(sequence or 0)


def _event(stream_id: bytes, fields: dict[bytes, bytes]) -> InboxEvent:
    return InboxEvent(stream_id.decode(), {k.decode(): v for k, v in fields.items()})


def _now_ms() -> int:
    return int(time.time() * 1000)
