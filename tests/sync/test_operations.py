"""Operations: settings validation, /health, /metrics, OpenAPI, JSON logs without secrets."""

from __future__ import annotations

import io
import json
import logging

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from sync_service.config import Settings
from sync_service.logs import JsonFormatter
from sync_service.main import create_app
from sync_service.worker.ingest import Ingestor, make_consumer
from tests.sync import helpers, sinks


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
    with TestClient(create_app(settings)) as client:
        reply = client.get("/health")
    assert reply.status_code == 200  # Odoo down only delays ingest
    assert reply.json()["checks"]["redis"] == "ok"
    assert reply.json()["checks"]["odoo"].startswith("down")
    gone = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    with TestClient(create_app(gone)) as client:
        assert client.get("/health").status_code == 503


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
        redis_client.set(sinks.FAIL, 1)
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
