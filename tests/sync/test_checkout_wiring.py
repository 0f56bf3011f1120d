"""The checkout hooks as the sync service's workers and beat call them, on the real
redis-server, with the Odoo boundary recorded by tests/sync/sinks.py (no Odoo)."""

from __future__ import annotations

import asyncio
import json

import pytest
import redis.asyncio as aioredis
from fastapi.testclient import TestClient

from sync_service.checkout import jobs
from sync_service.checkout.config import CheckoutSettings
from sync_service.checkout.projection import read_projection
from sync_service.checkout.reservations import CheckoutStore, HoldLine, new_reservation_id
from sync_service.main import create_app
from sync_service.outbound import keys
from sync_service.outbound.push import OutboxPusher
from sync_service.worker.ingest import Ingestor, make_consumer
from tests.sync import helpers, sinks
from tests.sync.checkout_conftest import seed

CK = CheckoutSettings(
    api_keys={"webshop": "ck_test_webshop_0123456789", "custom": "ck_test_custom_0123456789"},
    _env_file=None,
)


async def with_store(redis_server, fn, clock=None):
    client = aioredis.Redis(port=redis_server.port)
    try:
        return await fn(CheckoutStore(client, CK, *([clock] if clock else [])))
    finally:
        await client.aclose()


@pytest.fixture
def odoo(settings):
    return sinks.RecordingOdoo(settings)


def stock_changed(event_id: int, sellable: float) -> dict:
    return {"id": event_id, "topic": "stock.changed", "channel_code": "webshop",
            "create_date": "2026-11-26 10:00:00",
            "payload": {"sku": "A", "warehouse": "DC1", "sellable": sellable}}  # fmt: skip


def test_outbox_batch_moves_the_checkout_projection(settings, redis_client, odoo):
    seed(redis_client, CK, [("A", "DC1", 5)])
    redis_client.rpush(sinks.OUTBOX, json.dumps(stock_changed(31, 2.0)))
    OutboxPusher(settings, redis_client, odoo, checkout=CK).run()
    assert read_projection("webshop", redis=redis_client, settings=CK) == {"A": {"DC1": 2}}
    assert redis_client.get(keys.CURSOR) == b"31"


def test_failed_projection_keeps_the_cursor_so_the_batch_comes_again(settings, redis_client, odoo):
    seed(redis_client, CK, [("A", "DC1", 5)])
    meta = "oms:ck:{stock}:c:webshop:meta"
    saved = redis_client.hgetall(meta)
    redis_client.delete(meta)
    redis_client.set(meta, "not a hash")  # every script touching the channel now fails
    redis_client.rpush(sinks.OUTBOX, json.dumps(stock_changed(32, 1.0)))
    assert OutboxPusher(settings, redis_client, odoo, checkout=CK).run() == 0
    assert redis_client.get(keys.CURSOR) is None
    assert redis_client.llen(sinks.ACKS) == 0

    redis_client.delete(meta)
    redis_client.hset(meta, mapping=saved)
    OutboxPusher(settings, redis_client, odoo, checkout=CK).run()
    assert read_projection("webshop", redis=redis_client, settings=CK) == {"A": {"DC1": 1}}
    assert redis_client.get(keys.CURSOR) == b"32"


def test_ingested_order_with_a_reservation_converts_the_hold(settings, redis_server, redis_client):
    seed(redis_client, CK, [("TSHIRT-RED-M", "DC1", 5)], channel="custom")
    rid = new_reservation_id("custom")

    async def reserve(store):
        await store.reserve("custom", rid, [HoldLine("TSHIRT-RED-M", 2)], 60_000)

    asyncio.run(with_store(redis_server, reserve))
    order = helpers.fixture("generic_order.json")
    order["data"]["reservation_id"] = rid
    redis_client.set(sinks.reply_key("G-9001"), json.dumps(
        {"channel": "custom", "external_id": "G-9001", "status": "created",
         "order_id": 9001, "order_name": "S09001", "error": None}))  # fmt: skip
    fast = settings.model_copy(update={"odoo_gateway": "tests.sync.sinks:RecordingOdoo"})
    with TestClient(create_app(fast)) as api:
        body, headers = helpers.generic(order)
        assert api.post("/webhooks/custom", content=body, headers=headers).status_code in (
            200,
            202,
        )
    odoo = sinks.RecordingOdoo(fast)
    ingestor = Ingestor(make_consumer(redis_client, fast, "t"), odoo, 10, checkout=CK)
    assert ingestor.drain() == 1
    [sent] = sinks.recorded_orders(redis_client)
    assert sent["reservation_id"] == rid

    async def state(store):
        hold = await store.get(rid)
        return hold.state, hold.order_ref

    assert asyncio.run(with_store(redis_server, state)) == ("converted", "S09001")


def test_beat_runs_the_checkout_rebuild_and_sweep(
    settings, redis_server, redis_client, odoo, monkeypatch
):
    from sync_service.worker import tasks
    from sync_service.worker.celery_app import app, checkout

    schedule = app.conf.beat_schedule
    assert schedule["checkout-rebuild"]["task"] == "oms.checkout_rebuild"
    assert schedule["checkout-rebuild"]["schedule"] == checkout.rebuild_interval_s
    assert schedule["checkout-sweep"]["task"] == "oms.checkout_sweep"
    assert schedule["checkout-sweep"]["schedule"] == checkout.sweep_interval_s == 30.0
    assert {"oms.checkout_rebuild", "oms.checkout_sweep"} <= set(app.tasks)

    monkeypatch.setattr(tasks, "state", lambda: (settings, redis_client, odoo, "t"))
    monkeypatch.setattr(jobs, "get_checkout_settings", lambda: CK)
    redis_client.set(sinks.SELLABLE, json.dumps(
        {"as_of": "2026-11-26T10:00:00Z",
         "stock": [{"sku": "A", "warehouse": "DC1", "sellable": 7.0}]}))  # fmt: skip
    assert tasks.checkout_rebuild.run() == 2
    assert read_projection("custom", redis=redis_client, settings=CK) == {"A": {"DC1": 7}}

    async def reserve(store):  # a hold whose TTL ran out long ago, never read since
        await store.reserve("custom", new_reservation_id("custom"), [HoldLine("A", 3)], 1000)

    asyncio.run(with_store(redis_server, reserve, clock=lambda: 1_790_000_000_000))
    assert redis_client.zcard("oms:ck:{stock}:exp") == 1
    tasks.checkout_sweep.run()
    assert redis_client.zcard("oms:ck:{stock}:exp") == 0
    assert not redis_client.exists("oms:ck:{stock}:h:A")
