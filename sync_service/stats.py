"""Counters shared by all worker processes, kept in one Redis hash and exported by /metrics.

Celery runs tasks in several processes; a Redis hash is the simplest place they all add to,
and the API's /metrics reads it so one scrape sees the whole service.
"""

from __future__ import annotations

import redis

STATS = "oms:stats"


def incr(client: redis.Redis, field: str, amount: int = 1) -> None:
    client.hincrby(STATS, field, amount)


LATENCY = "oms:stats:ingest_latency_ms"
LATENCY_KEEP = 20_000


def record_latencies(client: redis.Redis, milliseconds: list[int]) -> None:
    """Webhook accepted -> Odoo answered for it, for the last orders (newest first)."""
    if not milliseconds:
        return
    with client.pipeline(transaction=False) as pipe:
        pipe.lpush(LATENCY, *milliseconds)
        pipe.ltrim(LATENCY, 0, LATENCY_KEEP - 1)
        pipe.execute()
