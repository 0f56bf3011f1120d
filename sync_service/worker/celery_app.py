"""The Celery app: late acks, one message at a time, a visibility timeout above any task.

Tasks take no payloads: events live in the Redis inbox and the Odoo outbox, and a task only
says "drain what is there". Beat ticks the drains; a tick that could not start in time expires
instead of piling up.
"""

from __future__ import annotations

from celery import Celery
from celery.signals import setup_logging

from sync_service.checkout.config import get_checkout_settings
from sync_service.config import get_settings
from sync_service.logs import configure_logging

settings = get_settings()
checkout = get_checkout_settings()

app = Celery("sync_service", broker=settings.redis_url, include=["sync_service.worker.tasks"])
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_transport_options={"visibility_timeout": settings.celery_visibility_timeout_s},
    broker_connection_retry_on_startup=True,
    task_ignore_result=True,
    task_serializer="json",
    accept_content=["json"],
    task_default_queue="oms-sync",
    task_time_limit=settings.celery_visibility_timeout_s // 2,
    timezone="UTC",
    beat_schedule={
        "ingest-inbox": {
            "task": "oms.ingest_inbox",
            "schedule": settings.ingest_interval_s,
            "options": {"expires": max(1.0, settings.ingest_interval_s * 2)},
        },
        "push-outbox": {
            "task": "oms.push_outbox",
            "schedule": settings.outbox_interval_s,
            "options": {"expires": max(1.0, settings.outbox_interval_s * 2)},
        },
        "reconcile": {
            "task": "oms.reconcile",
            "schedule": settings.reconcile_interval_s,
            "options": {"expires": settings.reconcile_interval_s},
        },
        "poll-carriers": {
            "task": "oms.poll_carriers",
            "schedule": settings.carrier_poll_interval_s,
            "options": {"expires": settings.carrier_poll_interval_s},
        },
        # The control tower's sync health (docs/sync_service.md, "Report to the control
        # tower"): a tick that could not start within its interval is replaced by the next.
        "report-health": {
            "task": "oms.report_health",
            "schedule": settings.health_report_interval_s,
            "options": {"expires": settings.health_report_interval_s},
        },
        # Checkout (docs/checkout.md): the projection rebuilt from Odoo's export_sellable,
        # and the backstop sweep of expired and settled holds.
        "checkout-rebuild": {
            "task": "oms.checkout_rebuild",
            "schedule": checkout.rebuild_interval_s,
            "options": {"expires": checkout.rebuild_interval_s},
        },
        "checkout-sweep": {
            "task": "oms.checkout_sweep",
            "schedule": checkout.sweep_interval_s,
            "options": {"expires": checkout.sweep_interval_s},
        },
    },
)


@setup_logging.connect
def _json_logs(**_kwargs) -> None:
    configure_logging(settings.log_level)
