"""Inbound webhooks per provider: accepted and stored once; signature, schema and size refused.

Real redis-server (session fixture); the app runs in-process through Starlette's TestClient.
"""

from __future__ import annotations

import json
import time

import orjson
import pytest
from fastapi.testclient import TestClient

from sync_service.inbox import keys
from sync_service.main import create_app
from tests.sync import helpers

SIGNERS = {
    "webshop": helpers.shopify,
    "woo": helpers.woocommerce,
    "sw6": helpers.shopware,
    "custom": helpers.generic,
}


@pytest.fixture
def client(settings):
    with TestClient(create_app(settings)) as client:
        yield client


def stored(redis_client) -> list[dict]:
    return [
        {k.decode(): v for k, v in fields.items()}
        for _id, fields in redis_client.xrange(keys.STREAM)
    ]


@pytest.mark.parametrize("channel", sorted(SIGNERS))
def test_signed_delivery_is_stored_as_a_canonical_order(client, redis_client, channel):
    body, headers = SIGNERS[channel]()
    reply = client.post(f"/webhooks/{channel}", content=body, headers=headers)
    assert reply.status_code == 202, reply.text
    [event] = stored(redis_client)
    assert event["raw"] == body
    order = orjson.loads(event["data"])
    assert order["channel"] == channel
    assert order["lines"][0]["sku"] == "TSHIRT-RED-M"
    assert order["lines"][0]["quantity"] == "2"
    assert isinstance(order["shipping_price"], str)  # money as decimal strings


def test_shopify_mapping_follows_the_contract(client, redis_client):
    body, headers = helpers.shopify()
    client.post("/webhooks/webshop", content=body, headers=headers)
    order = orjson.loads(stored(redis_client)[0]["data"])
    assert order["external_id"] == "5678901234"
    assert order["external_version"] == 1795684325000  # updated_at 10:12:05+01:00 in ms
    assert order["name"] == "#1042"
    assert order["placed_at"] == "2026-11-26T09:12:00Z"
    assert order["shipping_address"]["country_code"] == "PT"
    assert order["payment"] == {
        "status": "paid",
        "method": "shopify_payments",
        "amount": "44.70",
        "reference": "",
    }
    assert order["shipping_price"] == "4.90"


def test_woocommerce_discount_is_a_percentage_of_the_line(client, redis_client):
    body, headers = helpers.woocommerce()
    client.post("/webhooks/woo", content=body, headers=headers)
    line = orjson.loads(stored(redis_client)[0]["data"])["lines"][0]
    assert line["unit_price"] == "19.90"
    assert line["discount_percent"] == "10.00"  # 39.80 -> 35.82


@pytest.mark.parametrize("channel", sorted(SIGNERS))
def test_bad_signature_is_refused_and_nothing_stored(client, redis_client, channel):
    body, headers = SIGNERS[channel](secret=_wrong_secret(channel))
    reply = client.post(f"/webhooks/{channel}", content=body, headers=headers)
    assert reply.status_code == 401
    assert reply.json()["title"] == "bad_signature"
    assert redis_client.dbsize() == 0
    metrics = client.get("/metrics").text
    assert (
        f'oms_webhooks_rejected_total{{provider="{_provider(channel)}",reason="bad_signature",source="{channel}"}}'
        in metrics
    )


@pytest.mark.parametrize("channel", sorted(SIGNERS))
def test_body_changed_after_signing_is_refused(client, redis_client, channel):
    body, headers = SIGNERS[channel]()
    tampered = body.replace(b"TSHIRT-RED-M", b"TSHIRT-RED-L")
    assert tampered != body
    reply = client.post(f"/webhooks/{channel}", content=tampered, headers=headers)
    assert reply.status_code == 401
    assert redis_client.dbsize() == 0


def test_standard_webhook_outside_the_time_tolerance_is_refused(client, redis_client):
    body, headers = helpers.generic(timestamp=int(time.time()) - 301)
    assert client.post("/webhooks/custom", content=body, headers=headers).status_code == 401
    body, headers = helpers.generic(timestamp=int(time.time()) - 200)
    assert client.post("/webhooks/custom", content=body, headers=headers).status_code == 202


MALFORMED = [
    ("webshop", lambda o: o["line_items"][0].pop("quantity"), "line_items.0.quantity"),
    ("webshop", lambda o: o["line_items"][0].update(sku=None), "line_items.0.sku"),
    ("webshop", lambda o: o.update(updated_at="yesterday"), "updated_at"),
    ("woo", lambda o: o.pop("billing"), "billing"),
    ("woo", lambda o: o["line_items"][0].update(quantity="two"), "line_items.0.quantity"),
    (
        "sw6",
        lambda o: o["data"]["payload"]["order"]["lineItems"][0]["payload"].pop("productNumber"),
        "data.payload.order.lineItems.0.payload.productNumber",
    ),
    ("sw6", lambda o: o["source"].pop("eventId"), "source.eventId"),
    ("custom", lambda o: o["data"]["lines"][0].update(quantity=0), "data.lines.0.quantity"),
    ("custom", lambda o: o["data"].update(currency="EURO"), "data.currency"),
]
FIXTURE_OF = {
    "webshop": "shopify_order.json",
    "woo": "woocommerce_order.json",
    "sw6": "shopware_order_placed.json",
    "custom": "generic_order.json",
}


@pytest.mark.parametrize(("channel", "damage", "field"), MALFORMED)
def test_malformed_payload_names_the_field(client, redis_client, channel, damage, field):
    payload = helpers.fixture(FIXTURE_OF[channel])
    damage(payload)
    body, headers = SIGNERS[channel](payload)
    reply = client.post(f"/webhooks/{channel}", content=body, headers=headers)
    assert reply.status_code == 422, reply.text
    assert reply.json()["field"] == field
    assert redis_client.dbsize() == 0


def test_body_that_is_not_json_is_422(client, redis_client):
    body = b"{not json"
    headers = {
        "X-Shopify-Hmac-Sha256": helpers.b64_hmac(helpers.SHOPIFY_SECRET, body),
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Webhook-Id": "w-1",
    }
    reply = client.post("/webhooks/webshop", content=body, headers=headers)
    assert (reply.status_code, reply.json()["field"]) == (422, "body")


def test_missing_delivery_id_is_422_naming_the_header(client):
    body, headers = helpers.shopify()
    del headers["X-Shopify-Webhook-Id"]
    reply = client.post("/webhooks/webshop", content=body, headers=headers)
    assert (reply.status_code, reply.json()["field"]) == (422, "header:x-shopify-webhook-id")


@pytest.mark.parametrize("channel", sorted(SIGNERS))
def test_oversized_body_is_413(settings, redis_client, channel):
    small = settings.model_copy(update={"max_body_bytes": 600})
    body, headers = SIGNERS[channel]()
    assert len(body) > 600
    with TestClient(create_app(small)) as client:
        reply = client.post(f"/webhooks/{channel}", content=body, headers=headers)
    assert reply.status_code == 413
    assert redis_client.dbsize() == 0


def test_oversized_streamed_body_without_length_is_413(settings, redis_client):
    small = settings.model_copy(update={"max_body_bytes": 600})
    body, headers = helpers.shopify()

    def chunks():  # chunked transfer: no Content-Length to trust
        for start in range(0, len(body), 512):
            yield body[start : start + 512]

    with TestClient(create_app(small)) as client:
        reply = client.post("/webhooks/webshop", content=chunks(), headers=headers)
    assert reply.status_code == 413
    assert redis_client.dbsize() == 0


def test_duplicate_delivery_is_2xx_and_dropped(client, redis_client):
    body, headers = helpers.woocommerce(delivery_id="abc")
    assert client.post("/webhooks/woo", content=body, headers=headers).status_code == 202
    again = client.post("/webhooks/woo", content=body, headers=headers)
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    assert redis_client.xlen(keys.STREAM) == 1


def test_stale_redelivery_is_recognised(client, redis_client):
    newer = helpers.shopify_order(7001, "2026-11-26T11:00:00Z", cancelled_at="2026-11-26T11:00:00Z")
    older = helpers.shopify_order(7001, "2026-11-26T10:00:00Z")
    body, headers = helpers.shopify(newer, topic="orders/cancelled")
    assert client.post("/webhooks/webshop", content=body, headers=headers).status_code == 202
    body, headers = helpers.shopify(older, topic="orders/updated")  # a late retry, new id
    reply = client.post("/webhooks/webshop", content=body, headers=headers)
    assert (reply.status_code, reply.json()["status"]) == (200, "stale")
    assert redis_client.xlen(keys.STREAM) == 1


def test_shopify_refund_is_stored_as_a_refund_event(client, redis_client):
    body, headers = helpers.shopify(helpers.fixture("shopify_refund.json"), topic="refunds/create")
    assert client.post("/webhooks/webshop", content=body, headers=headers).status_code == 202
    event = stored(redis_client)[0]
    assert event["kind"] == b"refund"
    assert orjson.loads(event["data"])["external_id"] == "5678901234"


def test_woocommerce_ping_is_answered_without_storing(client, redis_client):
    reply = client.post(
        "/webhooks/woo",
        content=b"webhook_id=3",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status_code == 200
    assert redis_client.dbsize() == 0


def test_unknown_channel_is_404(client, redis_client):
    body, headers = helpers.shopify()
    assert client.post("/webhooks/nope", content=body, headers=headers).status_code == 404


@pytest.mark.parametrize(
    ("carrier", "signer", "status"),
    [
        ("dhl", helpers.easypost, "in_transit"),
        ("dhl-de", helpers.aftership, "out_for_delivery"),
    ],
)
def test_carrier_webhook_is_normalised(client, redis_client, carrier, signer, status):
    body, headers = signer()
    assert (
        client.post(f"/webhooks/carriers/{carrier}", content=body, headers=headers).status_code
        == 202
    )
    event = json.loads(stored(redis_client)[0]["data"])
    assert event["status"] == status
    assert event["carrier"] == carrier
    body, headers = signer(secret="wrong")
    assert (
        client.post(f"/webhooks/carriers/{carrier}", content=body, headers=headers).status_code
        == 401
    )


def test_redis_down_answers_503(settings, redis_client):
    gone = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    body, headers = helpers.shopify()
    with TestClient(create_app(gone)) as client:
        reply = client.post("/webhooks/webshop", content=body, headers=headers)
    assert reply.status_code == 503
    assert reply.headers["retry-after"]


def _wrong_secret(channel: str) -> str:
    if channel == "custom":
        return "whsec_" + "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA=="
    return "not-the-secret"


def _provider(channel: str) -> str:
    return {"webshop": "shopify", "woo": "woocommerce", "sw6": "shopware", "custom": "generic"}[
        channel
    ]


def test_documented_route_serves_the_same_rules_without_the_fast_path(
    settings, redis_client, monkeypatch
):
    from sync_service.inbox.fast_path import WebhookFastPath

    def not_here(*_args):
        raise AssertionError("the fast path served the request")

    monkeypatch.setattr(WebhookFastPath, "__call__", not_here)
    app = create_app(settings)
    assert app.state.webhook_fast_path
    del app.build_middleware_stack  # back to FastAPI's own stack, without the fast path
    with TestClient(app) as client:
        body, headers = helpers.shopify(webhook_id="slow-1")
        assert client.post("/webhooks/webshop", content=body, headers=headers).status_code == 202
        again = client.post("/webhooks/webshop", content=body, headers=headers)
        assert again.json()["status"] == "duplicate"
        bad_body, bad_headers = helpers.shopify(secret="wrong")
        assert (
            client.post("/webhooks/webshop", content=bad_body, headers=bad_headers).status_code
            == 401
        )
    assert redis_client.xlen(keys.STREAM) == 1
