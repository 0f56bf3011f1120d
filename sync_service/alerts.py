"""What needs a person: read from Redis once, said the same way by /health and /metrics.

Three alerts (docs/sync_service.md, "Operations"): dead letters waiting (inbox or outbox),
the ingest drain held for Odoo longer than ``OMS_ALERT_ODOO_HELD_S``, and the oldest event
waiting in the inbox older than ``OMS_ALERT_LAG_S``. None of them stops intake: webhooks are
still accepted, so they never turn /health's status code away from 200.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sync_service.config import Settings
from sync_service.inbox import keys
from sync_service.outbound import keys as outbox_keys
from sync_service.stats import STATS
from sync_service.worker.breaker import Outage, read_outage

ALERTS = ("dead_letters", "odoo_unreachable", "inbox_lag")


@dataclass(frozen=True, slots=True)
class IngestState:
    counters: dict[bytes, bytes]
    waiting: int  # events in the inbox stream (new, in work, or held for Odoo)
    retrying: int
    dead_inbox: int
    dead_outbox: int
    oldest_s: float  # age of the oldest event in the stream
    outage: Outage | None


async def read_state(redis) -> IngestState:
    """One round trip (raises what the Redis client raises when Redis is away)."""
    pipe = redis.pipeline(transaction=False)
    _queue_reads(pipe)
    return _state(await pipe.execute())


def read_state_sync(client) -> IngestState:
    """The same read with a blocking client (worker tasks: the report to Odoo)."""
    pipe = client.pipeline(transaction=False)
    _queue_reads(pipe)
    return _state(pipe.execute())


def _queue_reads(pipe) -> None:
    pipe.hgetall(STATS)
    pipe.xlen(keys.STREAM)
    pipe.zcard(keys.RETRY)
    pipe.xlen(keys.DEAD)
    pipe.xlen(outbox_keys.DEAD)
    pipe.xrange(keys.STREAM, count=1)
    pipe.hgetall(keys.ODOO_BREAKER)


def _state(replies: list) -> IngestState:
    counters, waiting, retrying, dead, push_dead, first, breaker = replies
    oldest = 0.0
    if first:
        oldest = max(0.0, time.time() - int(first[0][0].split(b"-")[0]) / 1000)
    return IngestState(counters, waiting, retrying, dead, push_dead, oldest, read_outage(breaker))


def alerts(state: IngestState, settings: Settings) -> list[dict[str, str]]:
    """The alerts that hold now, each with what an operator reads and does."""
    found = []
    if state.dead_inbox or state.dead_outbox:
        found.append({"alert": "dead_letters", "detail": (
            f"{state.dead_inbox} webhook(s) Odoo refused or that ran out of attempts, and "
            f"{state.dead_outbox} update(s) the shops refused, wait for a person: see "
            "`python -m sync_service dead-letters`, fix the cause, then replay them")})  # fmt: skip
    if state.outage and state.outage.held_s() >= settings.alert_odoo_held_s:
        minutes = state.outage.held_s() / 60
        found.append({"alert": "odoo_unreachable", "detail": (
            f"Odoo has not answered for {minutes:.0f} min; {state.waiting} event(s) wait in "
            "the inbox and go in as soon as it answers. Last error: "
            f"{state.outage.error}")})  # fmt: skip
    if state.waiting and state.oldest_s >= settings.alert_lag_s:
        found.append({"alert": "inbox_lag", "detail": (
            f"the oldest of {state.waiting} waiting event(s) arrived {state.oldest_s / 60:.0f} "
            "min ago: are the workers running, is Odoo keeping up?")})  # fmt: skip
    return found
