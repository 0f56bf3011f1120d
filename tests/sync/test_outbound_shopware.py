"""Outbox -> Shopware 6, and reconciliation from it, against the recorded-contract double of
the Admin API (tests/sync/shopware_double.py, real HTTP on loopback) and the real redis-server."""

from __future__ import annotations

import copy
import json

import pytest

from sync_service.inbox import keys as inbox_keys
from sync_service.outbound import keys, shopware
from sync_service.outbound.push import OutboxPusher
from sync_service.outbound.reconcile import Reconciler
from tests.sync import helpers, sinks
from tests.sync.shopware_double import API, ShopwareDouble

ORDER = helpers.fixture("shopware_order_placed.json")["data"]["payload"]["order"]
ORDER_ID = ORDER["id"]
LINE_ID = ORDER["lineItems"][0]["id"]  # 2 x TSHIRT-RED-M


@pytest.fixture
def sw():
    double = ShopwareDouble()
    double.add_order(ORDER)
    shopware._tokens.clear()  # each test starts without a cached token
    yield double
    double.close()


def sw_settings(redis_url: str, sw: ShopwareDouble, token: str = "SWIAINTEGRATION01:s3cret"):
    return helpers.make_settings(
        redis_url, retry_base_s=0.0, retry_max_s=0.0, ingest_max_attempts=3,
        channels={"sw6": {"provider": "shopware", "secret": helpers.SHOPWARE_SECRET,
                          "api_url": sw.url + API, "access_token": token}},
    )  # fmt: skip


@pytest.fixture
def out_settings(settings, sw):
    return sw_settings(settings.redis_url, sw)


@pytest.fixture
def odoo(out_settings):
    return sinks.RecordingOdoo(out_settings)


def outbox(redis_client, *events) -> None:
    redis_client.rpush(sinks.OUTBOX, *[json.dumps(e) for e in events])


def shipped(event_id: int, picking_id: int, quantity: int = 2, tracking: str = "JD0146"):
    return {"id": event_id, "topic": "shipment.shipped", "channel_code": "sw6",
            "res_model": "stock.picking", "res_id": picking_id, "create_date": "2026-11-26",
            "payload": {"external_id": ORDER_ID, "order_name": "S00042",
                        "picking_id": picking_id, "picking_name": f"WH/OUT/{picking_id:05d}",
                        "warehouse": "DC1", "carrier": "DHL", "carrier_code": "dhl",
                        "tracking_number": tracking,
                        "tracking_url": f"https://dhl.example/t/{tracking}",
                        "lines": [{"sku": "TSHIRT-RED-M", "quantity": quantity,
                                   "external_line_id": LINE_ID}]}}  # fmt: skip


def order_event(event_id: int, topic: str) -> dict:
    return {"id": event_id, "topic": topic, "channel_code": "sw6",
            "payload": {"external_id": ORDER_ID, "order_name": "S00042", "order_id": 7,
                        "reason": "customer"}}  # fmt: skip


def pushes(sw: ShopwareDouble) -> list[dict]:
    """Calls that change the shop (not the token, not the searches)."""
    return [r for r in sw.requests if r["method"] == "PATCH" or "/_action/" in r["path"]]


def test_shipment_sets_tracking_code_and_ships_the_delivery(out_settings, redis_client, odoo, sw):
    outbox(redis_client, shipped(11, picking_id=501))
    assert OutboxPusher(out_settings, redis_client, odoo).run() == 1
    delivery = sw.delivery_of(ORDER_ID)
    assert delivery["trackingCodes"] == ["JD0146"]
    assert delivery["stateMachineState"]["technicalName"] == "shipped"
    [token] = sw.requests_to("POST", r"/oauth/token$")
    assert token["body"] == {
        "grant_type": "client_credentials",
        "client_id": "SWIAINTEGRATION01",
        "client_secret": "s3cret",
    }
    [transition] = sw.requests_to("POST", r"/_action/order_delivery/")
    assert transition["path"].endswith(f"/{delivery['id']}/state/ship")
    assert all(r["headers"]["authorization"].startswith("Bearer ")
               for r in sw.requests if "/oauth/" not in r["path"])  # fmt: skip
    assert redis_client.get(keys.CURSOR) == b"11"

    # The same outbox row again (cursor lost), then with every marker lost as well:
    before = len(pushes(sw))
    redis_client.delete(keys.CURSOR)
    OutboxPusher(out_settings, redis_client, odoo).run()
    redis_client.delete(keys.CURSOR, *redis_client.keys("oms:pushed*"),
                        *redis_client.keys("oms:shopware:*"))  # fmt: skip
    OutboxPusher(out_settings, redis_client, odoo).run()
    assert len(pushes(sw)) == before  # the shop's state says it is done: nothing sent again
    assert delivery["trackingCodes"] == ["JD0146"]


def test_split_order_ships_partially_then_fully(out_settings, redis_client, odoo, sw):
    outbox(redis_client, shipped(21, picking_id=601, quantity=1, tracking="A1"))
    OutboxPusher(out_settings, redis_client, odoo).run()
    delivery = sw.delivery_of(ORDER_ID)
    assert delivery["stateMachineState"]["technicalName"] == "shipped_partially"
    assert delivery["trackingCodes"] == ["A1"]

    outbox(redis_client, shipped(22, picking_id=602, quantity=1, tracking="B2"))
    OutboxPusher(out_settings, redis_client, odoo).run()
    assert delivery["stateMachineState"]["technicalName"] == "shipped"
    assert delivery["trackingCodes"] == ["A1", "B2"]
    transitions = [r["path"].rsplit("/", 1)[-1]
                   for r in sw.requests_to("POST", r"/_action/order_delivery/")]  # fmt: skip
    assert transitions == ["ship_partially", "ship"]


def test_corrected_tracking_number_replaces_the_pickings_old_one(
    out_settings, redis_client, odoo, sw
):
    outbox(redis_client, shipped(31, picking_id=701, tracking="WRONG1"))
    OutboxPusher(out_settings, redis_client, odoo).run()
    outbox(redis_client, shipped(32, picking_id=701, tracking="RIGHT2"))  # Odoo republishes
    OutboxPusher(out_settings, redis_client, odoo).run()
    delivery = sw.delivery_of(ORDER_ID)
    assert delivery["trackingCodes"] == ["RIGHT2"]
    assert delivery["stateMachineState"]["technicalName"] == "shipped"


def test_expired_token_is_renewed_once(out_settings, redis_client, odoo, sw):
    outbox(redis_client, order_event(41, "order.accepted"))
    OutboxPusher(out_settings, redis_client, odoo).run()
    sw.expire_tokens()  # the cached token is now refused with 401
    outbox(redis_client, order_event(42, "order.cancelled"))
    OutboxPusher(out_settings, redis_client, odoo).run()
    assert sw.orders[ORDER_ID]["stateMachineState"]["technicalName"] == "cancelled"
    assert len(sw.requests_to("POST", r"/oauth/token$")) == 2
    assert redis_client.zcard(keys.RETRY) == 0
    assert redis_client.xlen(keys.DEAD) == 0


def test_cancel_twice_is_already_done(out_settings, redis_client, odoo, sw):
    outbox(redis_client, order_event(51, "order.cancelled"))
    OutboxPusher(out_settings, redis_client, odoo).run()
    assert sw.orders[ORDER_ID]["stateMachineState"]["technicalName"] == "cancelled"
    redis_client.delete(keys.CURSOR, *redis_client.keys("oms:pushed*"))
    OutboxPusher(out_settings, redis_client, odoo).run()  # the shop answers "illegal transition"
    assert redis_client.hget("oms:stats", "outbox:order.cancelled:already") == b"1"
    assert redis_client.xlen(keys.DEAD) == 0


def test_shop_down_parks_the_push_and_the_retry_finishes_it(out_settings, redis_client, odoo, sw):
    outbox(redis_client, shipped(61, picking_id=801))
    sw.fail_next = 1  # the token endpoint answers 503
    OutboxPusher(out_settings, redis_client, odoo).run()
    assert redis_client.zcard(keys.RETRY) == 1
    assert sw.delivery_of(ORDER_ID)["stateMachineState"]["technicalName"] == "open"
    OutboxPusher(out_settings, redis_client, odoo).run()  # backoff 0 here: due now
    assert redis_client.zcard(keys.RETRY) == 0
    assert sw.delivery_of(ORDER_ID)["stateMachineState"]["technicalName"] == "shipped"
    assert len(sw.requests_to("PATCH", r"/order-delivery/")) == 1


def test_refused_credentials_dead_letter_at_once(settings, redis_client, sw):
    bad = sw_settings(settings.redis_url, sw, token="SWIAINTEGRATION01:wrong")
    outbox(redis_client, shipped(71, picking_id=901))
    OutboxPusher(bad, redis_client, sinks.RecordingOdoo(bad)).run()
    assert redis_client.zcard(keys.RETRY) == 0
    [(_id, dead)] = redis_client.xrange(keys.DEAD)
    assert b"credentials" in dead[b"last_error"]
    assert dead[b"attempts"] == b"1"


def test_stock_changes_patch_the_product(out_settings, redis_client, odoo, sw):
    product_id = sw.add_product("TSHIRT-RED-M", stock=10)
    outbox(redis_client, {"id": 81, "topic": "stock.changed", "channel_code": "sw6",
                          "payload": {"sku": "TSHIRT-RED-M", "warehouse": "DC1", "sellable": 7}},
           {"id": 82, "topic": "stock.changed", "channel_code": "sw6",
            "payload": {"sku": "NO-SUCH-SKU", "warehouse": "DC1", "sellable": 1}})  # fmt: skip
    OutboxPusher(out_settings, redis_client, odoo).run()
    assert sw.products[product_id]["stock"] == 7
    [patch] = sw.requests_to("PATCH", r"/product/")
    assert patch["body"] == {"stock": 7}
    [(_id, dead)] = redis_client.xrange(keys.DEAD)  # an unknown SKU cannot succeed later
    assert b"NO-SUCH-SKU" in dead[b"last_error"]


def test_reconciliation_reads_shopware_orders_page_by_page(out_settings, redis_client, odoo, sw):
    sw.orders[ORDER_ID]["createdAt"] = "2000-01-01T00:00:00.000+00:00"  # before the watermark
    for n in range(150):
        order = copy.deepcopy(ORDER)
        order.update(id=f"{n:032x}", orderNumber=str(20000 + n),
                     createdAt="2099-01-01T00:00:00.000+00:00")  # fmt: skip
        sw.add_order(order)
    assert Reconciler(out_settings, redis_client, odoo).run() == 150
    assert len(sw.requests_to("POST", r"/search/order$")) == 2  # limit 100: two pages
    stored = [json.loads(e[b"data"]) for _id, e in redis_client.xrange(inbox_keys.STREAM)]
    first = next(o for o in stored if o["external_id"] == f"{0:032x}")
    assert first["lines"][0]["sku"] == "TSHIRT-RED-M"
    assert first["shipping_address"]["country_code"] == "FR"
    assert Reconciler(out_settings, redis_client, odoo).run() == 0  # already in the inbox
