"""Replays: a captured webhook sent again under new delivery ids costs nothing (issue 13).

Shopify's and WooCommerce's delivery ids are not covered by their signatures, so a captured
delivery can be sent again and again under fresh ids. An order version the inbox already holds
is a duplicate, whatever the delivery id; and whatever reaches the stream anyway (an inbox
filled before this rule, dead letters replayed) is handed to Odoo once per version.

Against the running service: the API under uvicorn, a Celery worker with beat, real Redis; the
Odoo side is the recording sink at the JSON-RPC seam (tests/sync/sinks.py).
"""

from __future__ import annotations

import asyncio
import json
import uuid

import httpx
import orjson
import pytest

from sync_service.inbox import keys
from tests.sync import helpers, sinks
from tests.sync.processes import start_worker, wait_until
from tests.sync.test_worker_celery import inbox_drained

pytestmark = pytest.mark.integration

REPLAYED = [
    ("webshop", lambda order, n: helpers.shopify(order, webhook_id=f"replay-{n}")),
    ("woo", lambda order, n: helpers.woocommerce(order, delivery_id=f"replay-{n}")),
    ("custom", lambda order, n: helpers.generic(order, msg_id=f"msg_replay_{n}")),
]
FIXTURES = {
    "webshop": "shopify_order.json",
    "woo": "woocommerce_order.json",
    "custom": "generic_order.json",
}


@pytest.mark.parametrize("channel, sign", REPLAYED, ids=[c for c, _ in REPLAYED])
def test_the_same_version_under_new_delivery_ids_is_a_duplicate(
    live_api, redis_client, channel, sign
):
    order = helpers.fixture(FIXTURES[channel])
    answers = []
    for n in range(20):
        body, headers = sign(order, n)
        reply = live_api.post(f"/webhooks/{channel}", content=body, headers=headers)
        answers.append((reply.status_code, reply.json()["status"]))
    assert answers == [(202, "accepted")] + [(200, "duplicate")] * 19
    assert redis_client.xlen(keys.STREAM) == 1


def test_a_different_body_of_the_same_version_is_stored_once_each(live_api, redis_client):
    # Shopify sends orders/updated and orders/cancelled for one change with one updated_at;
    # content that differs is news (Odoo decides what it means), each body only once.
    order = helpers.shopify_order(5100, "2026-11-26T10:00:00Z")
    cancelled = dict(order, cancelled_at="2026-11-26T10:00:00Z")
    sent = []
    deliveries = [(order, "orders/updated"), (cancelled, "orders/cancelled"),
                  (order, "orders/updated"), (cancelled, "orders/updated")]  # fmt: skip
    for n, (payload, topic) in enumerate(deliveries):
        body, headers = helpers.shopify(payload, topic=topic, webhook_id=f"d-{n}")
        reply = live_api.post("/webhooks/webshop", content=body, headers=headers)
        sent.append(reply.json()["status"])
    assert sent == ["accepted", "accepted", "duplicate", "duplicate"]
    assert redis_client.xlen(keys.STREAM) == 2


def test_an_older_version_after_a_newer_one_is_still_stale(live_api, redis_client):
    newer = helpers.shopify_order(5200, "2026-11-26T10:05:00Z")
    older = helpers.shopify_order(5200, "2026-11-26T10:00:00Z")
    statuses = []
    for payload in (newer, older, newer):
        body, headers = helpers.shopify(payload)
        statuses.append(live_api.post("/webhooks/webshop", content=body, headers=headers).json())
    assert [s["status"] for s in statuses] == ["accepted", "stale", "duplicate"]


def test_the_worker_hands_odoo_one_copy_of_an_unchanged_order(
    live_api, settings, redis_client, tmp_path
):
    order = helpers.shopify_order(5300, "2026-11-26T10:00:00Z")
    worker = start_worker(settings, tmp_path)
    try:
        # A replay storm while the worker drains: 100 copies under fresh delivery ids.
        async def storm():
            async with httpx.AsyncClient(base_url=str(live_api.base_url), timeout=30) as client:
                replies = []
                for n in range(0, 100, 10):
                    signed = [
                        helpers.shopify(order, webhook_id=f"storm-{n + k}") for k in range(10)
                    ]
                    replies += await asyncio.gather(*[
                        client.post("/webhooks/webshop", content=body, headers=headers)
                        for body, headers in signed])  # fmt: skip
                    await asyncio.sleep(0.1)
                return replies

        replies = asyncio.run(storm())
        assert sorted(r.status_code for r in replies) == [200] * 99 + [202]
        # Copies that reached the stream by another way (an inbox filled before the rule above,
        # dead letters replayed): one order version, handed to Odoo once.
        wait_until(lambda: redis_client.llen(sinks.ORDERS) >= 1 and inbox_drained(redis_client),
                   what="the order in Odoo", process=worker)  # fmt: skip
        fields = _stored_copy(order)
        for _ in range(30):
            redis_client.xadd(keys.STREAM, dict(fields, event_id=f"webshop:{uuid.uuid4()}"))
        newer = helpers.shopify_order(5300, "2026-11-26T10:07:00Z", financial_status="paid")
        body, headers = helpers.shopify(newer)
        assert live_api.post("/webhooks/webshop", content=body, headers=headers).status_code == 202
        wait_until(lambda: inbox_drained(redis_client) and redis_client.llen(sinks.ORDERS) >= 2,
                   what="the copies and the new version handled", process=worker)  # fmt: skip
    finally:
        worker.stop()
    versions = [o["external_version"] for o in sinks.recorded_orders(redis_client)]
    assert versions == [1795687200000, 1795687620000]  # each version once, nothing else
    assert redis_client.xlen(keys.DEAD) == 0


def _stored_copy(order: dict) -> dict:
    """The stream fields the API stores for a Shopify orders/create of ``order``."""
    from sync_service.canonical import dump
    from sync_service.inbox.providers import shopify

    canonical = shopify.to_canonical("webshop", shopify.ShopifyOrder.model_validate(order),
                                     "orders/create")  # fmt: skip
    return {"source": "webshop", "provider": "shopify", "kind": "order",
            "topic": "orders/create", "received_ms": "0", "attempts": "0",
            "data": orjson.dumps(dump(canonical)), "raw": json.dumps(order)}  # fmt: skip
