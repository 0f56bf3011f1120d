"""Which order events Odoo still has to see: the worker's memory of the versions Odoo answered.

The inbox door already drops a version it holds (docs/sync_service.md, "Inbound webhooks"),
but copies can reach the stream another way: an inbox filled before that rule, dead letters
replayed, an update read in the same batch as its create. Each copy would cost an Odoo call
that answers "unchanged" (a batch holding one order twice is even taken order by order). So
per batch only each order's newest version goes to Odoo, and not at all when Odoo already
answered for that version with that content; the others are acknowledged here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import orjson
import redis

from sync_service.inbox import keys
from sync_service.inbox.consumer import InboxEvent

# Odoo's answers after which a version needs no second call (a stale one tells us nothing
# about which version Odoo holds).
REMEMBERED = {"created", "updated", "unchanged", "cancelled"}


@dataclass(frozen=True, slots=True)
class _Version:
    key: str
    version: int
    digest: str


def _version_of(event: InboxEvent) -> _Version | None:
    try:
        order = orjson.loads(event.fields["data"])
        key = keys.order_ingested(order["channel"], str(order["external_id"]))
        version = int(order["external_version"])
    except (KeyError, TypeError, ValueError, orjson.JSONDecodeError):
        return None  # handed over as it is: Odoo names what is wrong with it
    content = orjson.dumps(order, option=orjson.OPT_SORT_KEYS)
    return _Version(key, version, hashlib.blake2b(content, digest_size=16).hexdigest())


class OrderVersions:
    """The newest (version, content) Odoo answered for, per order, for ``memory_s``."""

    def __init__(self, client: redis.Redis, memory_s: int) -> None:
        self.redis = client
        self.memory_s = memory_s

    def fresh(self, events: list[InboxEvent]) -> tuple[list[InboxEvent], list[InboxEvent]]:
        """(events Odoo has to see, in stream order; events that add nothing to them)."""
        versions = {event.stream_id: _version_of(event) for event in events}
        newest: dict[str, InboxEvent] = {}
        for event in events:  # stream order: of equal versions the later one is kept
            mine = versions[event.stream_id]
            if mine is None:
                continue
            kept = newest.get(mine.key)
            if kept is None or versions[kept.stream_id].version <= mine.version:
                newest[mine.key] = event
        known = dict(zip(newest, self.redis.mget(list(newest)), strict=True)) if newest else {}
        fresh, redundant = [], []
        for event in events:
            mine = versions[event.stream_id]
            if mine is None:
                fresh.append(event)
            elif newest[mine.key] is not event or _answered(known[mine.key], mine):
                redundant.append(event)
            else:
                fresh.append(event)
        return fresh, redundant

    def remember(self, answered: list[tuple[InboxEvent, str]]) -> None:
        """Odoo's answers for handed-over events: (event, status)."""
        with self.redis.pipeline(transaction=False) as pipe:
            for event, status in answered:
                mine = _version_of(event) if status in REMEMBERED else None
                if mine is not None:
                    pipe.set(mine.key, f"{mine.version} {mine.digest}", ex=self.memory_s)
            pipe.execute()


def _answered(raw: bytes | None, mine: _Version) -> bool:
    if not raw:
        return False
    version, _, digest = raw.decode().partition(" ")
    return int(version) > mine.version or (int(version) == mine.version and digest == mine.digest)
