"""``refund.requested`` -> the shop's refund, once per key, and back into Odoo through the inbox.

Against the recorded-contract doubles of the shops' refund APIs (tests/sync/refund_doubles.py,
real HTTP on loopback) and the real redis-server; Odoo's side of the seam is the recording
sink (tests/sync/sinks.py), the real Odoo is in test_e2e_odoo_cs.py.
"""

from __future__ import annotations

import copy
import json

import pytest

from sync_service.inbox import keys as inbox_keys
from sync_service.outbound import keys, shopware
from sync_service.outbound.push import OutboxPusher
from sync_service.worker.ingest import Ingestor, make_consumer
from tests.sync import helpers, sinks
from tests.sync.refund_doubles import RefundingShopDouble, RefundingShopwareDouble
from tests.sync.shop_doubles import SHOPIFY, WOO
from tests.sync.shopware_double import API

SW_ORDER = helpers.fixture("shopware_order_placed.json")["data"]["payload"]["order"]


@pytest.fixture
def shop():
    double = RefundingShopDouble()
    double.add_shopify_order(helpers.fixture("shopify_order.json"))
    double.add_woo_order(helpers.fixture("woocommerce_order.json"))
    yield double
    double.close()


@pytest.fixture
def sw():
    double = RefundingShopwareDouble()
    double.add_order(SW_ORDER)
    shopware._tokens.clear()
    yield double
    double.close()


@pytest.fixture
def out_settings(settings, shop, sw):
    return helpers.make_settings(
        settings.redis_url,
        retry_base_s=0.0,
        retry_max_s=0.0,
        ingest_max_attempts=3,
        channels={
            "webshop": {
                "provider": "shopify",
                "secret": helpers.SHOPIFY_SECRET,
                "api_url": shop.url + SHOPIFY,
                "location_id": "24826418",
                "access_token": "shpat_test",
            },
            "woo": {
                "provider": "woocommerce",
                "secret": helpers.WOO_SECRET,
                "api_url": shop.url + WOO,
                "access_token": "ck_1:cs_1",
            },
            "sw6": {
                "provider": "shopware",
                "secret": helpers.SHOPWARE_SECRET,
                "api_url": sw.url + API,
                "access_token": "SWIAINTEGRATION01:s3cret",
            },
        },
    )


@pytest.fixture
def odoo(out_settings):
    return sinks.RecordingOdoo(out_settings)


def requested(
    event_id: int,
    channel: str,
    external_id: str,
    line_id: str,
    *,
    key="cs-1",
    quantity=1,
    amount="19.90",
    shipping="0.00",
) -> dict:
    return {
        "id": event_id,
        "topic": "refund.requested",
        "channel_code": channel,
        "res_model": "oms.refund.request",
        "res_id": 7,
        "create_date": "2026-11-27",
        "payload": {
            "key": key,
            "external_id": external_id,
            "order_name": "S00042",
            "order_id": 42,
            "currency": "EUR",
            "amount": amount,
            "shipping": shipping,
            "reason": "Cancelled by the customer",
            "note": f"Cancelled by the customer [oms-refund:{key}]",
            "notify_customer": False,
            "lines": [
                {
                    "external_line_id": line_id,
                    "sku": "TSHIRT-RED-M",
                    "quantity": quantity,
                    "amount": amount,
                    "amount_untaxed": amount,
                    "restock_type": "cancel",
                }
            ],
        },
    }


def push(out_settings, redis_client, odoo, *events) -> None:
    redis_client.rpush(sinks.OUTBOX, *[json.dumps(e) for e in events])
    OutboxPusher(out_settings, redis_client, odoo).run()


def replay(out_settings, redis_client, odoo) -> None:
    """The same outbox rows again, with the cursor and our push markers lost (a crash)."""
    redis_client.delete(keys.CURSOR, *redis_client.keys("oms:pushed:*"))
    OutboxPusher(out_settings, redis_client, odoo).run()


def inbox_refunds(redis_client) -> list[dict]:
    return [
        json.loads(fields[b"data"])
        for _id, fields in redis_client.xrange(inbox_keys.STREAM)
        if fields[b"kind"] == b"refund"
    ]


def test_shopify_refund_once_per_key_and_back_to_odoo(out_settings, redis_client, odoo, shop):
    event = requested(
        41, "webshop", "5678901234", "866550311766439020", amount="24.80", shipping="4.90"
    )
    push(out_settings, redis_client, odoo, event)
    [refund] = shop.shopify_refunds["5678901234"]
    assert refund["note"] == "Cancelled by the customer [oms-refund:cs-1]"
    assert [(t["amount"], t["parent_id"]) for t in refund["transactions"]] == [("24.80", 801038806)]
    assert [
        (li["line_item_id"], li["quantity"], li["restock_type"], li["location_id"])
        for li in refund["refund_line_items"]
    ] == [(866550311766439020, 1, "cancel", 24826418)]
    [create] = shop.requests_to("POST", r"/refunds\.json$")
    assert create["body"]["refund"]["shipping"] == {"amount": "4.90"}
    assert create["body"]["refund"]["notify"] is False
    [echo] = inbox_refunds(redis_client)
    assert (echo["refund_id"], echo["amount"], echo["external_id"]) == (
        str(refund["id"]),
        "24.80",
        "5678901234",
    )
    assert echo["note"].endswith("[oms-refund:cs-1]")
    assert echo["lines"][0]["restock_type"] == "cancel"

    replay(out_settings, redis_client, odoo)
    assert len(shop.shopify_refunds["5678901234"]) == 1, "no second refund at the shop"
    assert len(inbox_refunds(redis_client)) == 1, "the echo is deduplicated by key"
    assert redis_client.xlen(keys.DEAD) == 0


def test_shopify_refund_above_what_was_paid_is_dead_lettered(
    out_settings, redis_client, odoo, shop
):
    push(
        out_settings,
        redis_client,
        odoo,
        requested(42, "webshop", "5678901234", "866550311766439020", amount="99.00"),
    )
    assert shop.shopify_refunds["5678901234"] == []
    [(_id, dead)] = redis_client.xrange(keys.DEAD)
    assert b"Shopify may pay back 44.70" in dead[b"last_error"]
    assert inbox_refunds(redis_client) == []


def test_shopify_refund_of_a_fraction_of_a_unit_is_refused(out_settings, redis_client, odoo, shop):
    push(
        out_settings,
        redis_client,
        odoo,
        requested(43, "webshop", "5678901234", "866550311766439020", quantity=0.5),
    )
    assert shop.shopify_refunds["5678901234"] == []
    [(_id, dead)] = redis_client.xrange(keys.DEAD)
    assert b"whole number" in dead[b"last_error"]


def test_woocommerce_refund_once_per_key(out_settings, redis_client, odoo, shop):
    push(out_settings, redis_client, odoo, requested(51, "woo", "4750", "315", amount="17.91"))
    [refund] = shop.woo_refunds["4750"]
    assert (refund["amount"], refund["refunded_payment"]) == ("17.91", True)
    assert refund["reason"].endswith("[oms-refund:cs-1]")
    [create] = shop.requests_to("POST", r"/orders/4750/refunds$")
    assert create["body"]["api_restock"] is False
    assert create["body"]["line_items"] == [{"id": 315, "quantity": 1, "refund_total": "17.91"}]
    [echo] = inbox_refunds(redis_client)
    assert (echo["refund_id"], echo["created_at"]) == (str(refund["id"]), "2026-11-27T08:00:00Z")

    replay(out_settings, redis_client, odoo)
    assert len(shop.woo_refunds["4750"]) == 1
    assert len(inbox_refunds(redis_client)) == 1


def test_woocommerce_refuses_more_than_the_order_total(out_settings, redis_client, odoo, shop):
    push(out_settings, redis_client, odoo, requested(52, "woo", "4750", "315", amount="50.00"))
    assert shop.woo_refunds["4750"] == []
    [(_id, dead)] = redis_client.xrange(keys.DEAD)
    assert b"400" in dead[b"last_error"]


def test_shopware_capture_refund_once_per_key(out_settings, redis_client, odoo, sw):
    line_id = SW_ORDER["lineItems"][0]["id"]
    push(
        out_settings,
        redis_client,
        odoo,
        requested(61, "sw6", SW_ORDER["id"], line_id, amount="19.90"),
    )
    [refund] = sw.capture_refunds.values()
    assert refund["externalReference"] == "cs-1"
    assert refund["stateMachineState"]["technicalName"] == "completed"
    assert refund["positions"][0]["orderLineItemId"] == line_id
    assert refund["amount"]["totalPrice"] == 19.9
    [echo] = inbox_refunds(redis_client)
    assert echo["refund_id"] == refund["id"]

    replay(out_settings, redis_client, odoo)
    assert len(sw.capture_refunds) == 1
    assert len(sw.requests_to("POST", r"/_action/order_transaction_capture_refund/")) == 1
    assert len(inbox_refunds(redis_client)) == 1


def test_shopware_without_capture_or_refund_handler_goes_to_a_person(
    out_settings, redis_client, odoo, sw
):
    order = copy.deepcopy(SW_ORDER)
    order["id"] = "0" * 31 + "1"
    sw.add_order(order, captured="")
    sw.refunds_supported = False
    line_id = SW_ORDER["lineItems"][0]["id"]
    push(
        out_settings,
        redis_client,
        odoo,
        requested(71, "sw6", order["id"], line_id, key="cs-2"),
        requested(72, "sw6", SW_ORDER["id"], line_id, key="cs-3"),
    )
    errors = b" | ".join(dead[b"last_error"] for _id, dead in redis_client.xrange(keys.DEAD))
    assert b"no capture to refund" in errors
    assert b"CHECKOUT__REFUND_PROCESS_INTERRUPTED" in errors
    assert inbox_refunds(redis_client) == []


def test_the_echo_reaches_apply_refunds_with_its_key(out_settings, redis_client, odoo, shop):
    push(
        out_settings,
        redis_client,
        odoo,
        requested(81, "webshop", "5678901234", "866550311766439020"),
    )
    consumer = make_consumer(redis_client, out_settings, "test-consumer")
    Ingestor(consumer, odoo, batch_size=10).drain(budget_s=2)
    [refund] = [json.loads(raw) for raw in redis_client.lrange(sinks.REFUNDS, 0, -1)]
    assert refund["channel"] == "webshop"
    assert refund["note"].endswith("[oms-refund:cs-1]")
    assert refund["lines"] == [
        {
            "external_id": "866550311766439020",
            "sku": "TSHIRT-RED-M",
            "quantity": "1",
            "amount": "19.90",
            "restock_type": "cancel",
        }
    ]


def changed(event_id: int, channel: str, external_id: str, operation: str = "address") -> dict:
    address = {
        "name": "Ana Maria Silva",
        "street": "Sendlinger Str. 12",
        "street2": "",
        "city": "München",
        "zip": "80331",
        "country_code": "DE",
        "state_code": "",
        "phone": "",
    }
    return {
        "id": event_id,
        "topic": "order.changed",
        "channel_code": channel,
        "res_model": "sale.order",
        "res_id": 42,
        "create_date": "2026-11-27",
        "payload": {
            "external_id": external_id,
            "order_name": "S00042",
            "order_id": 42,
            "key": "cs-9",
            "operation": operation,
            "shipping_address": address,
            "delivery_mode": "ship",
            "pickup_store": None,
            "service_level": "standard",
            "lines": [],
        },
    }


def test_a_changed_address_reaches_shopify_and_woocommerce(out_settings, redis_client, odoo, shop):
    push(
        out_settings,
        redis_client,
        odoo,
        changed(91, "webshop", "5678901234"),
        changed(92, "woo", "4750"),
        changed(93, "webshop", "5678901234", "quantities"),
    )
    address = shop.shopify_orders["5678901234"]["shipping_address"]
    assert (address["first_name"], address["last_name"]) == ("Ana Maria", "Silva")
    assert (address["address1"], address["zip"], address["country_code"]) == (
        "Sendlinger Str. 12",
        "80331",
        "DE",
    )
    [woo] = shop.requests_to("PUT", r"/orders/4750$")
    assert woo["body"]["shipping"]["address_1"] == "Sendlinger Str. 12"
    assert len(shop.requests_to("PUT", r"/orders/5678901234\.json$")) == 1, "quantities: skipped"
    assert redis_client.xlen(keys.DEAD) == 0
