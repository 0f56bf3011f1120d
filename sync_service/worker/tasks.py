"""Celery tasks. Each drains a source that lives elsewhere (inbox, outbox) and is safe to
run twice: events are acknowledged per event and every sink is idempotent."""

from __future__ import annotations

import logging
import os
import socket
from functools import cache

from redis.exceptions import RedisError

from sync_service.config import get_settings
from sync_service.redis import make_sync_redis
from sync_service.worker.celery_app import app
from sync_service.worker.ingest import Ingestor, make_consumer

log = logging.getLogger("sync_service.tasks")
RETRY = {"autoretry_for": (RedisError, OSError), "retry_backoff": True, "retry_jitter": True,
         "max_retries": 3}  # fmt: skip


@cache
def _process_state(pid: int):
    """Per worker process (after the fork): Redis client, Odoo gateway, consumer name."""
    from sync_service.odoo_client import load_gateway

    settings = get_settings()
    client = make_sync_redis(settings)
    return settings, client, load_gateway(settings), f"{socket.gethostname()}-{pid}"


def state():
    return _process_state(os.getpid())


@app.task(name="oms.ingest_inbox", **RETRY)
def ingest_inbox() -> int:
    settings, client, odoo, name = state()
    consumer = make_consumer(client, settings, name)
    return Ingestor.from_settings(consumer, odoo, settings).drain()


@app.task(name="oms.push_outbox", **RETRY)
def push_outbox() -> int:
    from sync_service.outbound.push import OutboxPusher

    settings, client, odoo, _name = state()
    return OutboxPusher(settings, client, odoo).run()


@app.task(name="oms.reconcile", **RETRY)
def reconcile() -> int:
    from sync_service.outbound.reconcile import Reconciler

    settings, client, odoo, _name = state()
    return Reconciler(settings, client, odoo).run()


@app.task(name="oms.poll_carriers", **RETRY)
def poll_carriers() -> int:
    from sync_service.carriers.polling import poll_all

    settings, client, _odoo, _name = state()
    return poll_all(settings, client)


@app.task(name="oms.checkout_rebuild", **RETRY)
def checkout_rebuild() -> int:
    """Every checkout channel's projection from Odoo's ``export_sellable``; a channel that
    fails keeps its last generation and is retried at the next tick."""
    from sync_service.checkout.jobs import rebuild_all

    _settings, client, odoo, _name = state()
    reports = rebuild_all(odoo, client)
    return sum(1 for report in reports if report.get("status") == "ok")


@app.task(name="oms.checkout_sweep", **RETRY)
def checkout_sweep() -> None:
    from sync_service.checkout.jobs import sweep_all

    _settings, client, _odoo, _name = state()
    sweep_all(client)


@app.task(name="oms.report_health")
def report_health() -> str:
    """The inbox's figures to Odoo's control tower. No retries: the next tick's report
    replaces this one, so a failure is logged and counted (health_report.py), never raised."""
    from sync_service.health_report import report

    settings, client, odoo, _name = state()
    try:
        return report(client, odoo, settings)
    except (RedisError, OSError) as exc:
        log.warning("health report skipped: Redis not reachable (%s)", exc)
        return "redis_unavailable"
