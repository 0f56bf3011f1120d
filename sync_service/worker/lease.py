"""One ingest drain at a time across all workers: a short lease in Redis, kept alive by a
heartbeat while its holder lives.

Two drains at once confirm batches of the same popular SKUs in Odoo, which wait for each
other's stock locks and fail on serialization errors; so a drain runs under a lease. The lease
is short (``OMS_INGEST_LEASE_S``, 5 s) and a thread renews it every third of that while the
drain runs, Odoo calls included: a killed worker stops renewing and the next worker drains a
few seconds later. It is separate from ``OMS_CLAIM_IDLE_MS``, the time after which a dead
worker's own events are taken over (that one must outlast an Odoo call that may still be
running; new events need not wait for it). A holder stuck longer than ``max_hold_s`` stops
renewing, so even a hung process blocks the others only that long.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid

import redis
from redis.exceptions import RedisError

log = logging.getLogger("sync_service.ingest")

# KEYS: lease. ARGV: token, ttl ms. Keep the lease only while it is still ours.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Lease:
    """``with Lease(...) as held:`` - ``held`` is False when another worker holds it;
    ``lease.lost`` tells a holder that its lease lapsed (it stops after the current batch)."""

    def __init__(self, client: redis.Redis, key: str, ttl_s: float, max_hold_s: float) -> None:
        self.redis = client
        self.key = key
        self.ttl_ms = max(int(ttl_s * 1000), 300)
        self.max_hold_s = max_hold_s
        self.token = uuid.uuid4().hex
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def lost(self) -> bool:
        return self._lost.is_set()

    def __enter__(self) -> bool:
        if not self.redis.set(self.key, self.token, nx=True, px=self.ttl_ms):
            return False
        self._thread = threading.Thread(target=self._beat, name="ingest-lease", daemon=True)
        self._thread.start()
        return True

    def __exit__(self, *_exc) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        try:
            self._release(keys=[self.key], args=[self.token])
        except RedisError:
            log.warning("ingest lease not released; it lapses by itself")

    def _beat(self) -> None:
        interval = self.ttl_ms / 3000
        until = time.monotonic() + self.max_hold_s
        while not self._stop.wait(interval):
            if time.monotonic() > until:
                log.error("ingest drain held its lease past %.0f s; no longer renewed",
                          self.max_hold_s)  # fmt: skip
                self._lost.set()
                return
            try:
                if not self._renew(keys=[self.key], args=[self.token, self.ttl_ms]):
                    log.warning("ingest lease lapsed; this drain stops after its batch")
                    self._lost.set()
                    return
            except RedisError as exc:  # Redis away: the lease may lapse; the next beat tells
                log.warning("ingest lease not renewed: %s", exc)
