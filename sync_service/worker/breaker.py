"""Odoo's circuit breaker: while Odoo cannot be used, the ingest drain holds instead of
spending the orders' attempts.

An unreachable Odoo (refused, timed out, a 5xx of its web layer, its database down, our key
refused: ``OdooUnavailable``) is not the fault of the orders in the call. When a call meets
it, the breaker opens: the call's events stay pending in the inbox stream, listed in
``oms:inbox:parked``, with their attempts untouched, and drains stop calling Odoo. While it
is open a drain only probes Odoo (``OdooGateway.ping``, one cheap authenticated call) once
``OMS_ODOO_PROBE_INTERVAL_S`` has passed since the last try (half-open); the first probe
Odoo answers closes it, and that same drain goes on with the parked events, then the rest,
batch after batch: at Odoo's pace, not a backoff's. Dead letters stay for what Odoo refuses.

The state lives in Redis (hash ``oms:odoo:breaker``), shared by every worker process and read
by /health and /metrics: how long the drain has been held is what an operator is alerted on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis

from sync_service.inbox import keys


@dataclass(frozen=True, slots=True)
class Outage:
    """An open breaker: since when Odoo could not be used, and the last reason."""

    since_ms: int
    probe_at_ms: int
    failures: int
    error: str

    def held_s(self, now_ms: int | None = None) -> float:
        return max(0.0, ((now_ms or _now_ms()) - self.since_ms) / 1000)


def read_outage(fields: dict) -> Outage | None:
    """The breaker hash (bytes or str keys, as any Redis client returns it) -> an Outage."""
    if not fields:
        return None
    values = {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes)
              else v) for k, v in fields.items()}  # fmt: skip
    return Outage(int(values.get("since_ms", 0)), int(values.get("probe_at_ms", 0)),
                  int(values.get("failures", 0)), values.get("error", ""))  # fmt: skip


class OdooBreaker:
    def __init__(self, client: redis.Redis, probe_interval_s: float) -> None:
        self.redis = client
        self.probe_interval_ms = int(probe_interval_s * 1000)

    def outage(self) -> Outage | None:
        return read_outage(self.redis.hgetall(keys.ODOO_BREAKER))

    def trip(self, error: str) -> None:
        """Odoo could not be used: open (or keep open) and schedule the next probe."""
        now = _now_ms()
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.hsetnx(keys.ODOO_BREAKER, "since_ms", now)
            pipe.hset(keys.ODOO_BREAKER, mapping={"probe_at_ms": now + self.probe_interval_ms,
                                                  "error": error[:500]})  # fmt: skip
            pipe.hincrby(keys.ODOO_BREAKER, "failures", 1)
            pipe.execute()

    def close(self) -> None:
        self.redis.delete(keys.ODOO_BREAKER)


def _now_ms() -> int:
    return int(time.time() * 1000)
