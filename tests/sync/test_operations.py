"""Operations: settings validation, /health, /metrics, OpenAPI, JSON logs without secrets."""

from __future__ import annotations

import io
import json
import logging
import time

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from sync_service.config import Settings
from sync_service.logs import JsonFormatter
from sync_service.main import create_app
from sync_service.worker.ingest import Ingestor, make_consumer
from tests.sync import helpers, sinks
from tests.sync.conftest import free_port


def test_production_refuses_default_secrets(monkeypatch):
    monkeypatch.setenv("OMS_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="OMS_ODOO_API_KEY"):
        Settings()
    monkeypatch.setenv("OMS_ODOO_API_KEY", "real-key")
    monkeypatch.setenv("OMS_CHANNELS", '{"webshop": {"provider": "shopify"}}')
    with pytest.raises(ValidationError, match=r"OMS_CHANNELS\[webshop\]"):
        Settings()
    monkeypatch.setenv("OMS_CHANNELS", '{"webshop": {"provider": "shopify", "secret": "s3"}}')
    assert Settings().channels["webshop"].secret.get_secret_value() == "s3"


def test_generic_channel_secret_must_be_a_standard_webhooks_secret(redis_server):
    with pytest.raises(ValidationError, match="whsec_"):
        helpers.make_settings(redis_server.url, channels={
            "custom": {"provider": "generic", "secret": "plain-text"}})  # fmt: skip
    assert helpers.make_settings(redis_server.url).channels["custom"].provider == "generic"


def test_health_reports_redis_and_odoo(settings, redis_client):
    # Nothing listens there (the default localhost:8069 may be someone's Odoo).
    settings = settings.model_copy(update={"odoo_url": f"http://127.0.0.1:{free_port()}"})
    with TestClient(create_app(settings)) as client:
        reply = client.get("/health")
    assert reply.status_code == 200  # Odoo down only delays ingest
    assert reply.json()["checks"]["redis"] == "ok"
    assert reply.json()["checks"]["odoo"].startswith("down")
    gone = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    with TestClient(create_app(gone)) as client:
        assert client.get("/health").status_code == 503


def test_health_and_metrics_say_what_needs_a_person(settings, redis_client):
    # Thresholds of 0: any held drain, any waiting event is worth an alert here.
    settings = settings.model_copy(update={
        "alert_odoo_held_s": 0.0, "alert_lag_s": 0.0, "ingest_max_attempts": 1,
        "odoo_url": f"http://127.0.0.1:{free_port()}"})  # fmt: skip
    ingestor = Ingestor(make_consumer(redis_client, settings, "ops"),
                        sinks.RecordingOdoo(settings), 10, probe_interval_s=0.001)  # fmt: skip

    def alerts(client) -> dict[str, str]:
        reply = client.get("/health")
        assert reply.status_code == 200  # none of this stops intake
        body = reply.json()
        assert body["status"] == ("attention" if body["alerts"] else "ok")
        return {alert["alert"]: alert["detail"] for alert in body["alerts"]}

    def raised(client) -> set[str]:
        lines = client.get("/metrics").text.splitlines()
        return {line.split('"')[1] for line in lines
                if line.startswith("oms_alert{") and line.endswith(" 1.0")}  # fmt: skip

    with TestClient(create_app(settings)) as client:
        assert alerts(client) == {} and raised(client) == set()
        body, headers = helpers.shopify()
        client.post("/webhooks/webshop", content=body, headers=headers)
        assert set(alerts(client)) == {"inbox_lag"}

        redis_client.set(sinks.FAIL, 1)  # Odoo away: the drain is held, the order waits
        ingestor.drain()
        found = alerts(client)
        assert set(found) == raised(client) == {"odoo_unreachable", "inbox_lag"}
        assert "Odoo has not answered" in found["odoo_unreachable"]
        assert "1 event(s) wait in the inbox" in found["odoo_unreachable"]
        assert client.get("/health").json()["ingest"]["held_for_odoo_s"] >= 0

        redis_client.delete(sinks.FAIL)
        redis_client.set(sinks.ERROR, 1)  # Odoo answers, with an error: one attempt, dead
        time.sleep(0.002)
        ingestor.drain()
        found = alerts(client)
        assert set(found) == raised(client) == {"dead_letters"}
        assert "dead-letters" in found["dead_letters"]
        assert client.get("/health").json()["ingest"]["dead_letters"] == {"inbox": 1, "outbox": 0}


def test_openapi_documents_the_webhooks(settings):
    with TestClient(create_app(settings)) as client:
        paths = client.get("/openapi.json").json()["paths"]
    assert "/webhooks/{channel}" in paths
    assert "413" in paths["/webhooks/{channel}"]["post"]["responses"]


def test_metrics_count_in_accepted_duplicates_rejected_dead_and_lag(settings, redis_client):
    fast = settings.model_copy(update={"retry_base_s": 0.0, "retry_max_s": 0.0,
                                       "ingest_max_attempts": 1})  # fmt: skip
    with TestClient(create_app(fast)) as client:
        body, headers = helpers.shopify(webhook_id="m-1")
        client.post("/webhooks/webshop", content=body, headers=headers)
        client.post("/webhooks/webshop", content=body, headers=headers)
        bad_body, bad_headers = helpers.shopify(secret="wrong")
        client.post("/webhooks/webshop", content=bad_body, headers=bad_headers)
        before = client.get("/metrics").text
        redis_client.set(sinks.ERROR, 1)
        Ingestor(make_consumer(redis_client, fast, "m"), sinks.RecordingOdoo(fast), 10).drain()
        after = client.get("/metrics").text
    assert 'oms_inbox_lag{where="stream"} 1.0' in before
    assert 'oms_inbox_lag{where="stream"} 0.0' in after
    assert 'oms_dead_letters{side="inbox"} 1.0' in after
    assert 'oms_worker_events_total{outcome="dead:order"} 1.0' in after
    for name in ("received", "accepted", "duplicate"):
        assert f'oms_webhooks_{name}_total{{provider="shopify",source="webshop"}}' in after


def test_logs_are_json_with_ids_and_without_secrets(settings, redis_client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("sync_service")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with TestClient(create_app(settings)) as client:
            body, headers = helpers.shopify(webhook_id="log-1")
            client.post("/webhooks/webshop", content=body, headers=headers)
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    [accepted] = [line for line in lines if line["msg"] == "webhook accepted"]
    assert accepted["delivery_id"] == "log-1"
    assert accepted["order_external_id"] == "5678901234"
    text = stream.getvalue()
    assert helpers.SHOPIFY_SECRET not in text
    assert headers["X-Shopify-Hmac-Sha256"] not in text
