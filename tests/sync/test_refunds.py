"""Shop refunds through the sync service: webhook -> inbox -> ``apply_refunds`` in batches.

The Odoo side is the recording sink at the JSON-RPC seam (tests/sync/sinks.py); Odoo's own
handling is in the addon's tests and in test_e2e_odoo_refunds.py.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import httpx
import pytest

from sync_service import stats
from sync_service.inbox import keys
from tests.sync import helpers, sinks
from tests.sync.processes import start_api, start_worker, wait_until


def refund_payload(refund_id=890088186047892319, order_id=5678901234, restock="cancel") -> dict:
    refund = copy.deepcopy(helpers.fixture("shopify_refund.json"))
    refund.update(id=refund_id, order_id=order_id)
    refund["refund_line_items"][0]["restock_type"] = restock
    return refund


def post(api, payload, topic="refunds/create", **kwargs):
    body, headers = helpers.shopify(payload, topic=topic, **kwargs)
    return api.post("/webhooks/webshop", content=body, headers=headers)


def recorded_refunds(client) -> list[dict]:
    return [json.loads(raw) for raw in client.lrange(sinks.REFUNDS, 0, -1)]


def script(client, refund_id, code):
    client.set(sinks.reply_key(f"refund:{refund_id}"), json.dumps(
        {"status": "error", "error": {"code": code, "message": f"scripted {code}"}}))  # fmt: skip


def test_shopify_refund_becomes_the_canonical_refund_odoo_receives(api, ingestor, redis_client):
    assert post(api, refund_payload(restock="cancel")).status_code == 202
    assert ingestor.drain() == 1
    [refund] = recorded_refunds(redis_client)
    assert refund == {
        "channel": "webshop",
        "external_id": "5678901234",
        "refund_id": "890088186047892319",
        "created_at": "2026-11-27T08:00:00Z",
        "currency": "EUR",
        "amount": "23.62",
        "note": "Customer changed their mind",
        "lines": [
            {"external_id": "866550311766439020", "sku": "TSHIRT-RED-M", "quantity": "1",
             "amount": "19.90", "restock_type": "cancel"},
        ],
    }  # fmt: skip
    assert redis_client.xlen(keys.STREAM) == 0
    assert redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == 0
    assert redis_client.hget(stats.STATS, "ingested:refund:created") == b"1"


@pytest.mark.parametrize(
    ("shopify_type", "contract_type"),
    [("cancel", "cancel"), ("return", "return"), ("no_restock", "no_restock"),
     ("legacy_restock", "cancel"), (None, "no_restock")],
)  # fmt: skip
def test_restock_types_map_to_the_contract(api, ingestor, redis_client, shopify_type,
                                           contract_type):  # fmt: skip
    assert post(api, refund_payload(restock=shopify_type)).status_code == 202
    ingestor.drain()
    [refund] = recorded_refunds(redis_client)
    assert refund["lines"][0]["restock_type"] == contract_type


def test_only_successful_refund_transactions_count_as_money_paid_back(api, ingestor, redis_client):
    payload = refund_payload()
    payload["transactions"] += [
        {"kind": "refund", "status": "failure", "amount": "100.00", "currency": "EUR"},
        {"kind": "refund", "status": "success", "amount": "4.90", "currency": "EUR"},
    ]
    post(api, payload)
    ingestor.drain()
    [refund] = recorded_refunds(redis_client)
    assert refund["amount"] == "28.52"


def test_a_malformed_refund_is_refused_at_the_door(api, redis_client):
    payload = refund_payload()
    del payload["refund_line_items"][0]["line_item_id"]
    reply = post(api, payload)
    assert reply.status_code == 422
    assert reply.json()["field"] == "refund_line_items.0.line_item_id"
    assert redis_client.xlen(keys.STREAM) == 0


def test_refunds_are_handed_over_in_batches_beside_orders(api, ingestor, redis_client):
    for n in range(12):
        post(api, refund_payload(refund_id=1000 + n))
    post(api, helpers.shopify_order(5678901234, "2026-11-26T10:00:00Z"), topic="orders/create")
    assert ingestor.drain() == 13
    assert sorted(r["refund_id"] for r in recorded_refunds(redis_client)) == [
        str(1000 + n) for n in range(12)
    ]
    assert [o["external_id"] for o in sinks.recorded_orders(redis_client)] == ["5678901234"]
    assert redis_client.xlen(keys.STREAM) == 0


def test_redelivered_refund_is_stored_once(api, ingestor, redis_client):
    first = post(api, refund_payload(), webhook_id="refund-delivery-1")
    again = post(api, refund_payload(), webhook_id="refund-delivery-1")
    assert (first.status_code, again.status_code, again.json()["status"]) == (
        202, 200, "duplicate")  # fmt: skip
    ingestor.drain()
    assert len(recorded_refunds(redis_client)) == 1


def test_refund_before_its_order_is_retried_dead_lettered_and_replayed(
    api, ingestor, fast_settings, redis_client
):
    post(api, refund_payload(refund_id=77))
    script(redis_client, 77, "unknown_order")
    ingestor.drain()
    [member] = redis_client.zrange(keys.RETRY, 0, -1)
    assert b"unknown_order" in member  # retryable: the order may still be on its way
    for _attempt in range(2):
        ingestor.drain()
    [(dead_id, dead)] = redis_client.xrange(keys.DEAD)
    assert (dead[b"kind"], dead[b"attempts"]) == (b"refund", b"3")
    assert dead[b"last_error"].startswith(b"unknown_order")

    redis_client.delete(sinks.reply_key("refund:77"))  # the order has arrived in Odoo
    env = {"OMS_REDIS_URL": fast_settings.redis_url, "OMS_ENVIRONMENT": "test",
           "PATH": "/usr/bin:/bin"}  # fmt: skip
    out = subprocess.run([sys.executable, "-m", "sync_service", "replay-dead-letters",
                          "--id", dead_id.decode()], env=env, capture_output=True, text=True,
                         check=True)  # fmt: skip
    assert "replayed 1" in out.stdout
    ingestor.drain()
    assert redis_client.xlen(keys.DEAD) == 0
    assert redis_client.zcard(keys.RETRY) == 0
    assert [r["refund_id"] for r in recorded_refunds(redis_client)] == ["77"] * 4


def test_an_invalid_refund_goes_straight_to_the_dead_letters(api, ingestor, redis_client):
    post(api, refund_payload(refund_id=78))
    script(redis_client, 78, "invalid_payload")
    post(api, refund_payload(refund_id=79))
    ingestor.drain()
    [(_id, dead)] = redis_client.xrange(keys.DEAD)
    assert dead[b"attempts"] == b"1"
    assert redis_client.zcard(keys.RETRY) == 0
    assert redis_client.hget(stats.STATS, "ingested:refund:created") == b"1"


def test_odoo_down_keeps_the_refund_in_the_inbox_until_odoo_answers(api, ingestor, redis_client):
    post(api, refund_payload(refund_id=80))
    redis_client.set(sinks.FAIL, 1)
    ingestor.drain()
    assert recorded_refunds(redis_client) == []
    assert redis_client.xlen(keys.STREAM) == redis_client.scard(keys.PARKED) == 1
    assert redis_client.zcard(keys.RETRY) == 0  # no attempt spent on Odoo being away
    redis_client.delete(sinks.FAIL)
    ingestor.drain()
    assert [r["refund_id"] for r in recorded_refunds(redis_client)] == ["80"]
    assert redis_client.xlen(keys.STREAM) == 0


def test_an_unknown_kind_is_kept_in_the_dead_letters(ingestor, redis_client):
    ingestor.consumer.ensure_group()
    redis_client.xadd(keys.STREAM, {"event_id": "x:1", "kind": "return_label", "attempts": "0",
                                    "data": "{}"})  # fmt: skip
    ingestor.drain()
    [(_id, dead)] = redis_client.xrange(keys.DEAD)
    assert dead[b"last_error"].startswith(b"unsupported_kind")


@pytest.mark.integration
def test_celery_worker_applies_refunds(settings, redis_client, tmp_path):
    process, url = start_api(settings, tmp_path)
    worker = start_worker(settings, tmp_path)
    try:
        with httpx.Client(base_url=url) as client:
            for n in range(3):
                body, headers = helpers.shopify(refund_payload(refund_id=500 + n),
                                                topic="refunds/create")  # fmt: skip
                assert client.post("/webhooks/webshop", content=body,
                                   headers=headers).status_code == 202  # fmt: skip
        wait_until(
            lambda: (
                redis_client.llen(sinks.REFUNDS) >= 3
                and redis_client.xlen(keys.STREAM) == 0
                and redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == 0
            ),
            what="the refunds handed to Odoo by the Celery worker",
            process=worker,
        )
    finally:
        worker.stop()
        process.stop()
    assert sorted(r["refund_id"] for r in recorded_refunds(redis_client)) == ["500", "501", "502"]
    assert redis_client.xlen(keys.DEAD) == 0
