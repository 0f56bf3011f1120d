"""The report to Odoo's control tower (sync_service/health_report.py): the snapshot built
from a seeded inbox and dead letters, handed to ``report_health`` at the JSON-RPC seam (the
recording sink, tests/sync/sinks.py); Odoo away or without the addon costs nothing but a
skipped round; beat sends it through a real Celery worker."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime

from sync_service import health_report
from sync_service.inbox import keys
from sync_service.stats import STATS
from sync_service.worker.breaker import OdooBreaker
from sync_service.worker.ingest import make_consumer
from tests.sync import helpers, sinks
from tests.sync.processes import start_worker, wait_until


def snapshots(client) -> list[dict]:
    return [json.loads(raw) for raw in client.lrange(sinks.HEALTH, 0, -1)]


def counted(client, outcome: str) -> int:
    return int(client.hget(STATS, f"health_report:{outcome}") or 0)


def test_snapshot_in_the_documented_shape_from_the_inbox_and_dead_letters(
    api, fast_settings, redis_client
):
    started = time.time()
    posted = [
        ("/webhooks/webshop", helpers.shopify(helpers.shopify_order(1, "2026-12-06T10:00:00Z"))),
        ("/webhooks/woo", helpers.woocommerce({**helpers.fixture("woocommerce_order.json"),
                                               "id": 2})),
        ("/webhooks/carriers/dhl", helpers.easypost()),
        ("/webhooks/webshop", helpers.shopify(helpers.shopify_order(4, "2026-12-06T10:00:00Z"))),
        ("/webhooks/woo", helpers.woocommerce({**helpers.fixture("woocommerce_order.json"),
                                               "id": 5})),
    ]  # fmt: skip
    for path, (body, headers) in posted:
        assert api.post(path, content=body, headers=headers).status_code == 202
    consumer = make_consumer(redis_client, fast_settings, "report-test")
    consumer.ensure_group()
    shopify_order, woo_order, tracking = consumer.read(3)
    assert consumer.fail(shopify_order, "unknown product SKU-9", permanent=True) == "dead"
    assert consumer.fail(woo_order, "Odoo answered an error") == "retry"
    assert consumer.fail(tracking, "no delivery with that tracking number", permanent=True) == (
        "dead"
    )
    odoo = sinks.RecordingOdoo(fast_settings)

    assert health_report.report(redis_client, odoo, fast_settings) == "sent"

    [snapshot] = snapshots(redis_client)
    assert set(snapshot) == {"reported_at", "inbox", "outbox", "dead_letters"}
    reported_at = datetime.fromisoformat(snapshot["reported_at"])
    assert reported_at.utcoffset().total_seconds() == 0
    assert int(started) <= reported_at.timestamp() <= time.time()
    inbox = snapshot["inbox"]
    # Two orders still in the stream, one retrying, two dead; the oldest waiting is no
    # older than the test.
    assert (inbox["pending"], inbox["retrying"], inbox["dead_letters"]) == (2, 1, 2)
    assert 0 <= inbox["oldest_age_seconds"] <= time.time() - started + 1
    assert snapshot["outbox"] == {"dead_letters": 0}
    newest, oldest = snapshot["dead_letters"]  # newest first
    assert set(newest) == set(oldest) == {"id", "channel", "topic", "error", "failed_at"}
    assert (newest["channel"], newest["topic"], newest["error"]) == (
        "",  # a carrier's event: no sales channel
        tracking.field("topic"),
        "no delivery with that tracking number",
    )
    assert (oldest["channel"], oldest["topic"], oldest["error"]) == (
        "webshop",
        "orders/create",
        "unknown product SKU-9",
    )
    dead_ids = [entry_id.decode() for entry_id, _ in redis_client.xrange(keys.DEAD)]
    assert [oldest["id"], newest["id"]] == dead_ids
    for letter in (newest, oldest):
        failed_at = datetime.fromisoformat(letter["failed_at"])
        assert failed_at.utcoffset().total_seconds() == 0
        assert int(failed_at.timestamp()) == int(letter["id"].split("-")[0]) // 1000
    assert counted(redis_client, "sent") == 1


def test_lists_at_most_what_the_door_accepts_and_counts_them_all(fast_settings, redis_client):
    with redis_client.pipeline(transaction=False) as pipe:
        for n in range(health_report.MAX_DEAD_LETTERS + 1):
            pipe.xadd(keys.DEAD, {"event_id": f"woo:{n}", "source": "woo", "kind": "order",
                                  "topic": "order.created", "attempts": "6",
                                  "last_error": f"error {n}"})  # fmt: skip
        pipe.execute()

    health_report.report(redis_client, sinks.RecordingOdoo(fast_settings), fast_settings)

    [snapshot] = snapshots(redis_client)
    assert snapshot["inbox"]["dead_letters"] == health_report.MAX_DEAD_LETTERS + 1
    letters = snapshot["dead_letters"]
    assert len(letters) == health_report.MAX_DEAD_LETTERS
    assert letters[0]["error"] == f"error {health_report.MAX_DEAD_LETTERS}"  # the newest
    assert letters[-1]["error"] == "error 1"  # the oldest one is left out


def test_odoo_away_skips_the_round_without_raising(fast_settings, redis_client):
    odoo = sinks.RecordingOdoo(fast_settings)
    redis_client.set(sinks.FAIL, 1)  # Odoo does not answer

    assert health_report.report(redis_client, odoo, fast_settings) == "odoo_unavailable"

    redis_client.delete(sinks.FAIL)
    OdooBreaker(redis_client, 1.0).trip("connection refused")  # the ingest drain holds

    assert health_report.report(redis_client, odoo, fast_settings) == "odoo_unavailable"

    assert int(redis_client.get(sinks.HEALTH_CALLS)) == 1  # the open breaker: not asked
    assert snapshots(redis_client) == []
    assert counted(redis_client, "odoo_unavailable") == 2
    OdooBreaker(redis_client, 1.0).close()
    assert health_report.report(redis_client, odoo, fast_settings) == "sent"


def test_odoo_answering_an_error_is_logged_not_raised(fast_settings, redis_client, caplog):
    redis_client.set(sinks.ERROR, 1)
    with caplog.at_level(logging.WARNING, logger="sync_service.health_report"):
        outcome = health_report.report(
            redis_client, sinks.RecordingOdoo(fast_settings), fast_settings
        )
    assert outcome == "refused"
    assert "refused by Odoo" in caplog.text
    assert counted(redis_client, "refused") == 1


def test_a_database_without_the_control_tower_is_not_asked_every_round(
    fast_settings, redis_client, caplog
):
    settings = fast_settings.model_copy(update={"health_report_no_addon_s": 600.0})
    odoo = sinks.RecordingOdoo(settings)
    redis_client.set(sinks.NO_MODEL, 1)

    with caplog.at_level(logging.INFO, logger="sync_service.health_report"):
        outcomes = [health_report.report(redis_client, odoo, settings) for _ in range(5)]

    assert outcomes == ["no_addon"] * 5
    assert int(redis_client.get(sinks.HEALTH_CALLS)) == 1  # asked once, then remembered
    assert caplog.text.count("oms_control_tower not installed") == 1  # said once
    assert 0 < redis_client.ttl(health_report.NO_ADDON) <= 600
    # Once the memory lapses (the addon installed meanwhile), the report goes out again.
    redis_client.delete(sinks.NO_MODEL, health_report.NO_ADDON)
    assert health_report.report(redis_client, odoo, settings) == "sent"


def test_beat_schedules_the_report_at_its_setting():
    from sync_service.worker import tasks
    from sync_service.worker.celery_app import app, settings

    entry = app.conf.beat_schedule["report-health"]
    assert entry["task"] == "oms.report_health"
    assert entry["schedule"] == settings.health_report_interval_s == 60.0
    assert app.tasks["oms.report_health"].name == tasks.report_health.name == entry["task"]


def test_worker_reports_on_beat_and_rides_out_an_odoo_outage(settings, redis_client, tmp_path):
    redis_client.xadd(keys.DEAD, {"event_id": "webshop:1", "source": "webshop", "kind": "order",
                                  "topic": "orders/create", "attempts": "6",
                                  "last_error": "unknown product"})  # fmt: skip
    redis_client.set(sinks.FAIL, 1)  # Odoo down from the start
    worker = start_worker(settings, tmp_path, OMS_HEALTH_REPORT_INTERVAL_S="0.3")
    try:
        wait_until(lambda: counted(redis_client, "odoo_unavailable") >= 3,
                   what="rounds skipped while Odoo is down", process=worker)  # fmt: skip
        assert snapshots(redis_client) == []
        redis_client.delete(sinks.FAIL)
        wait_until(lambda: snapshots(redis_client), what="a report once Odoo answers",
                   process=worker)  # fmt: skip
    finally:
        worker.stop()
    snapshot = snapshots(redis_client)[0]
    assert snapshot["inbox"]["dead_letters"] == 1
    assert [(d["channel"], d["topic"], d["error"]) for d in snapshot["dead_letters"]] == [
        ("webshop", "orders/create", "unknown product")
    ]
    log = (tmp_path / "worker.log").read_text()
    assert "Traceback" not in log and "Retry in" not in log  # skipped, never raised


def test_worker_remembers_a_database_without_the_control_tower(settings, redis_client, tmp_path):
    redis_client.set(sinks.NO_MODEL, 1)
    worker = start_worker(settings, tmp_path, OMS_HEALTH_REPORT_INTERVAL_S="0.3",
                          OMS_LOG_LEVEL="INFO")  # fmt: skip
    try:
        wait_until(lambda: counted(redis_client, "no_addon") >= 4,
                   what="rounds of a database without the addon", process=worker)  # fmt: skip
    finally:
        worker.stop()
    assert int(redis_client.get(sinks.HEALTH_CALLS)) == 1
    log = (tmp_path / "worker.log").read_text()
    assert log.count("oms_control_tower not installed") == 1
