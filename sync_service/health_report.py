"""The report to Odoo's control tower: what the inbox holds, posted once a minute.

Odoo cannot read our Redis and must not call out to us, so beat (``oms.report_health``) posts
a snapshot through ``oms.sync.health.report_health`` (addon ``oms_control_tower``,
docs/control_tower.md "The sync service's report"). The figures are /health's
(``alerts.read_state_sync``) and the dead letters ``python -m sync_service dead-letters`` lists.

A report is worth nothing once the next one exists, so nothing here retries: Odoo away (the
breaker open, or the call not answered) skips the round; a database without the addon is
remembered in Redis for ``OMS_HEALTH_REPORT_NO_ADDON_S`` and not asked meanwhile.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import redis

from sync_service import dead_letters, stats
from sync_service.alerts import IngestState, read_state_sync
from sync_service.config import Settings
from sync_service.odoo_client import OdooError, OdooGateway, OdooModelMissing, OdooUnavailable

log = logging.getLogger("sync_service.health_report")

# Dead letters the door lists per report at most (oms_sync_health.MAX_DEAD_LETTERS); the
# total goes apart, as inbox.dead_letters.
MAX_DEAD_LETTERS = 500
# Set (with a TTL) while Odoo's database lacks the addon: shared by every worker process.
NO_ADDON = "oms:health-report:no-addon"


def build_snapshot(
    client: redis.Redis, settings: Settings, state: IngestState | None = None
) -> dict:
    """The snapshot in the door's documented shape, read from Redis now (``state``: the
    figures if already read)."""
    state = state or read_state_sync(client)
    letters = dead_letters.list_dead(client, MAX_DEAD_LETTERS, newest_first=True)
    return {
        "reported_at": _iso(datetime.now(UTC).timestamp()),
        "inbox": {
            "pending": state.waiting,
            "retrying": state.retrying,
            "oldest_age_seconds": round(state.oldest_s, 1),
            "dead_letters": state.dead_inbox,
        },
        "outbox": {"dead_letters": state.dead_outbox},
        "dead_letters": [
            {
                "id": row["id"],
                # The door's channel is a sales channel's code; a carrier's event has none.
                "channel": row["source"] if row["source"] in settings.channels else "",
                "topic": row["topic"],
                "error": row["last_error"],
                "failed_at": _iso(int(row["id"].split("-")[0]) / 1000),
            }
            for row in letters
        ],
    }


def report(client: redis.Redis, odoo: OdooGateway, settings: Settings) -> str:
    """Send one snapshot; the outcome, also counted in ``oms:stats`` as
    ``health_report:<outcome>``: ``sent``, ``odoo_unavailable`` (breaker open or no answer:
    skipped), ``no_addon`` (remembered, not asked), ``refused`` (Odoo answered an error)."""
    outcome = _report(client, odoo, settings)
    stats.incr(client, f"health_report:{outcome}")
    return outcome


def _report(client: redis.Redis, odoo: OdooGateway, settings: Settings) -> str:
    if client.exists(NO_ADDON):
        return "no_addon"
    state = read_state_sync(client)
    if state.outage is not None:
        # The ingest drain found Odoo unusable and probes it: do not knock as well.
        log.info("health report skipped: Odoo cannot be used (the ingest drain holds)")
        return "odoo_unavailable"
    try:
        odoo.report_health(build_snapshot(client, settings, state))
    except OdooModelMissing as exc:
        remember_s = int(settings.health_report_no_addon_s)
        if remember_s and client.set(NO_ADDON, str(exc)[:500], ex=remember_s, nx=True):
            log.warning(
                "Odoo has no control tower (addon oms_control_tower not installed): no "
                "health report for %d s (%s)", remember_s, exc,
            )  # fmt: skip
        return "no_addon"
    except OdooUnavailable as exc:
        log.info("health report skipped: Odoo cannot be used (%s)", exc)
        return "odoo_unavailable"
    except OdooError as exc:
        log.warning("health report refused by Odoo: %s", exc)
        return "refused"
    return "sent"


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")
