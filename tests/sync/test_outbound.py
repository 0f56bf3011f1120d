"""Outbox -> shops, reconciliation and carrier polling, against recorded-contract doubles of
the shops' and carriers' HTTP APIs (real HTTP on loopback) and the real redis-server."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

from sync_service.inbox import keys as inbox_keys
from sync_service.inbox.providers import generic
from sync_service.outbound import keys
from sync_service.outbound.push import OutboxPusher
from sync_service.outbound.reconcile import Reconciler
from sync_service.worker.ingest import Ingestor, make_consumer
from tests.sync import helpers, sinks
from tests.sync.shop_doubles import SHOPIFY, WOO, ShopDouble


@pytest.fixture
def shop():
    double = ShopDouble(generic_secret=helpers.GENERIC_SECRET)
    yield double
    double.close()


@pytest.fixture
def out_settings(settings, shop):
    return helpers.make_settings(
        settings.redis_url, retry_base_s=0.0, retry_max_s=0.0, ingest_max_attempts=3,
        channels={
            "webshop": {"provider": "shopify", "secret": helpers.SHOPIFY_SECRET,
                        "api_url": shop.url + SHOPIFY, "location_id": "24826418",
                        "access_token": "shpat_test", "carrier_names": {"dhl": "Deutsche Post"}},
            "woo": {"provider": "woocommerce", "secret": helpers.WOO_SECRET,
                    "api_url": shop.url + WOO, "access_token": "ck_1:cs_1"},
            "custom": {"provider": "generic", "secret": helpers.GENERIC_SECRET,
                       "api_url": shop.url + "/hooks"},
        },
        carriers={"postnl": {"format": "easypost", "secret": "postnl-secret",
                             "poll_url": shop.url + "/carrier", "api_key": "pk_test"}},
    )  # fmt: skip


@pytest.fixture
def odoo(out_settings):
    return sinks.RecordingOdoo(out_settings)


def outbox(redis_client, *events) -> None:
    redis_client.rpush(sinks.OUTBOX, *[json.dumps(e) for e in events])


def shipped(event_id: int, picking_id: int, channel="webshop", external_id="5678901234"):
    return {"id": event_id, "topic": "shipment.shipped", "channel_code": channel,
            "res_model": "stock.picking", "res_id": picking_id, "create_date": "2026-11-26",
            "payload": {"external_id": external_id, "order_name": "S00042",
                        "picking_id": picking_id, "picking_name": f"WH/OUT/{picking_id:05d}",
                        "warehouse": "DC1", "carrier": "DHL", "tracking_number": "JD0146",
                        "tracking_url": "https://dhl.example/t/JD0146",
                        "lines": [{"sku": "TSHIRT-RED-M", "quantity": 2,
                                   "external_line_id": "866550311766439020"}]}}  # fmt: skip


def test_shipment_becomes_one_shopify_fulfillment_with_tracking(
    out_settings, redis_client, odoo, shop
):
    shop.add_shopify_order(helpers.fixture("shopify_order.json"))
    outbox(redis_client, shipped(11, picking_id=501))
    assert OutboxPusher(out_settings, redis_client, odoo).run() == 1
    [fulfillment] = shop.fulfillments["5678901234"]
    assert fulfillment["tracking_number"] == "JD0146"
    assert fulfillment["tracking_url"] == "https://dhl.example/t/JD0146"
    assert fulfillment["line_items"] == [{"id": 866550311766439020, "quantity": 2}]
    [create] = shop.requests_to("POST", r"/fulfillments\.json$")
    assert create["headers"]["x-shopify-access-token"] == "shpat_test"
    assert redis_client.get(keys.CURSOR) == b"11"
    assert json.loads(redis_client.lrange(sinks.ACKS, -1, -1)[0]) == ["sync_service", 11]

    # The same outbox row again (cursor lost), and again with our marker lost as well:
    redis_client.delete(keys.CURSOR)
    OutboxPusher(out_settings, redis_client, odoo).run()
    redis_client.delete(keys.CURSOR, *redis_client.keys("oms:pushed:*"))
    OutboxPusher(out_settings, redis_client, odoo).run()
    assert len(shop.fulfillments["5678901234"]) == 1  # idempotent at the shop


def test_shop_down_parks_the_push_and_the_cursor_moves_on(out_settings, redis_client, odoo, shop):
    shop.add_shopify_order(helpers.fixture("shopify_order.json"))
    outbox(redis_client, shipped(21, picking_id=601),
           {"id": 22, "topic": "order.cancelled", "channel_code": "woo",
            "payload": {"external_id": "4750", "order_name": "S1", "order_id": 1,
                        "reason": "customer"}})  # fmt: skip
    shop.fail_next = 1  # Shopify answers 503 once
    OutboxPusher(out_settings, redis_client, odoo).run()
    assert redis_client.get(keys.CURSOR) == b"22"
    assert redis_client.zcard(keys.RETRY) == 1
    [cancel] = shop.requests_to("PUT", r"/orders/4750$")
    assert cancel["body"] == {"status": "cancelled"}

    OutboxPusher(out_settings, redis_client, odoo).run()  # backoff 0 in this test: due now
    assert redis_client.zcard(keys.RETRY) == 0
    assert len(shop.fulfillments["5678901234"]) == 1


def test_push_dead_letters_after_the_last_attempt(out_settings, redis_client, odoo, shop):
    shop.add_shopify_order(helpers.fixture("shopify_order.json"))
    outbox(redis_client, shipped(31, picking_id=701))
    shop.fail_next = 100
    for _ in range(3):
        OutboxPusher(out_settings, redis_client, odoo).run()
    assert redis_client.zcard(keys.RETRY) == 0
    [(_id, dead)] = redis_client.xrange(keys.DEAD)
    assert dead[b"attempts"] == b"3"
    assert b"503" in dead[b"last_error"]

    shop.fail_next = 0  # the shop is back; an operator replays the dead push
    env = {
        "OMS_REDIS_URL": out_settings.redis_url,
        "OMS_ENVIRONMENT": "test",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-m", "sync_service", "replay-dead-letters", "--outbox"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "replayed 1" in out.stdout
    OutboxPusher(out_settings, redis_client, odoo).run()
    assert len(shop.fulfillments["5678901234"]) == 1
    assert redis_client.xlen(keys.DEAD) == 0


def test_generic_channel_gets_a_standard_webhook_signed_with_its_secret(
    out_settings, redis_client, odoo, shop
):
    accepted = {**shipped(41, picking_id=801, channel="custom"), "topic": "order.accepted"}
    outbox(redis_client, accepted)
    OutboxPusher(out_settings, redis_client, odoo).run()
    [hook] = shop.requests_to("POST", r"^/hooks$")
    assert hook["headers"]["webhook-id"] == "oms-outbox-41"
    generic.verify(hook["headers"], hook["raw"], helpers.GENERIC_SECRET)  # raises if wrong
    assert hook["body"]["type"] == "order.accepted"
    assert redis_client.zcard(keys.RETRY) == 0  # the double answered 204


def test_stock_change_sets_the_shopify_inventory_level(out_settings, redis_client, odoo, shop):
    outbox(redis_client, {"id": 51, "topic": "stock.changed", "channel_code": "webshop",
                          "payload": {"sku": "TSHIRT-RED-M", "warehouse": "DC1",
                                      "sellable": 17}})  # fmt: skip
    OutboxPusher(out_settings, redis_client, odoo).run()
    [level] = shop.requests_to("POST", r"/inventory_levels/set\.json$")
    assert level["body"] == {
        "location_id": 24826418,
        "inventory_item_id": 808950810,
        "available": 17,
    }


def test_reconciliation_finds_orders_a_lost_webhook_missed(out_settings, redis_client, odoo, shop):
    shop.add_shopify_order(helpers.shopify_order(3131, "2099-01-01T00:00:00Z"))
    redis_client.set(
        sinks.SELLABLE,
        json.dumps(
            {
                "as_of": "",
                "stock": [
                    {"sku": "TSHIRT-RED-M", "warehouse": "DC1", "sellable": 3},
                    {"sku": "TSHIRT-RED-M", "warehouse": "STORE1", "sellable": 4},
                ],
            }
        ),
    )
    only_shopify = helpers.make_settings(
        out_settings.redis_url,
        channels={
            "webshop": {
                "provider": "shopify",
                "secret": helpers.SHOPIFY_SECRET,
                "api_url": shop.url + SHOPIFY,
                "location_id": "24826418",
            }
        },
    )
    assert Reconciler(only_shopify, redis_client, odoo).run() == 1
    [(_id, event)] = redis_client.xrange(inbox_keys.STREAM)
    assert json.loads(event[b"data"])["external_id"] == "3131"
    [level] = shop.requests_to("POST", r"/inventory_levels/set\.json$")
    assert level["body"]["available"] == 7  # summed over the channel's warehouses
    assert Reconciler(only_shopify, redis_client, odoo).run() == 0  # already in the inbox


def test_reconciliation_follows_shopify_pages(out_settings, redis_client, odoo, shop):
    for n in range(5):
        shop.add_shopify_order(helpers.shopify_order(3200 + n, "2099-01-01T00:00:00Z"))
    shop.orders_page_size = 2
    only_shopify = helpers.make_settings(out_settings.redis_url, channels={
        "webshop": {"provider": "shopify", "secret": helpers.SHOPIFY_SECRET,
                    "api_url": shop.url + SHOPIFY, "location_id": "24826418"}})  # fmt: skip
    assert Reconciler(only_shopify, redis_client, odoo).run() == 5
    assert len(shop.requests_to("GET", r"/orders\.json$")) == 3


def test_carrier_without_webhooks_is_polled_into_the_inbox(out_settings, redis_client, odoo, shop):
    from sync_service.carriers.polling import poll_all

    tracker = helpers.fixture("easypost_tracker_updated.json")["result"]
    shop.trackers["JD0146"] = {**tracker, "tracking_code": "JD0146"}
    outbox(redis_client, {**shipped(61, picking_id=901), "payload": {
        **shipped(61, 901)["payload"], "carrier": "postnl"}})  # fmt: skip
    OutboxPusher(out_settings, redis_client, odoo, http=httpx.Client()).run()
    assert redis_client.smembers(keys.active_tracking("postnl")) == {b"JD0146"}
    assert poll_all(out_settings, redis_client) == 1
    assert poll_all(out_settings, redis_client) == 0  # same scan: deduplicated
    consumer = make_consumer(redis_client, out_settings, "t")
    Ingestor(consumer, odoo, 10).drain()
    [event] = [json.loads(e) for e in redis_client.lrange(sinks.TRACKING, 0, -1)]
    assert (event["carrier"], event["tracking_number"], event["status"]) == (
        "postnl",
        "JD0146",
        "in_transit",
    )


def with_tracking(event: dict, event_id: int, number: str | None, **payload) -> dict:
    return {**event, "id": event_id, "payload": {
        **event["payload"], "tracking_number": number,
        "tracking_url": number and f"https://dhl.example/t/{number}", **payload}}  # fmt: skip


def test_tracking_number_added_after_validation_updates_the_shopify_fulfillment(
    out_settings, redis_client, odoo, shop
):
    shop.add_shopify_order(helpers.fixture("shopify_order.json"))
    validated = with_tracking(shipped(71, picking_id=511), 71, None)
    outbox(redis_client, validated)
    OutboxPusher(out_settings, redis_client, odoo).run()
    [fulfillment] = shop.fulfillments["5678901234"]
    assert not fulfillment["tracking_number"]

    # Odoo publishes the picking again once the carrier's number is on it.
    outbox(redis_client, with_tracking(validated, 72, "JD0777"))
    OutboxPusher(out_settings, redis_client, odoo).run()
    [update] = shop.requests_to("POST", r"/fulfillments/\d+/update_tracking\.json$")
    assert update["path"].endswith(f"/fulfillments/{fulfillment['id']}/update_tracking.json")
    assert update["body"]["fulfillment"]["tracking_info"] == {
        "number": "JD0777",
        "url": "https://dhl.example/t/JD0777",
        "company": "DHL",
    }
    [fulfillment] = shop.fulfillments["5678901234"]
    assert fulfillment["tracking_number"] == "JD0777"

    # Exact replays (cursor lost) change nothing, nor does the older event without a number.
    redis_client.delete(keys.CURSOR)
    OutboxPusher(out_settings, redis_client, odoo).run()
    assert len(shop.requests_to("POST", r"/update_tracking\.json$")) == 1
    assert len(shop.requests_to("POST", r"/fulfillments\.json$")) == 1
    assert shop.fulfillments["5678901234"][0]["tracking_number"] == "JD0777"

    # A corrected number is pushed too.
    outbox(redis_client, with_tracking(validated, 73, "JD0888"))
    OutboxPusher(out_settings, redis_client, odoo).run()
    assert len(shop.requests_to("POST", r"/update_tracking\.json$")) == 2
    [fulfillment] = shop.fulfillments["5678901234"]
    assert fulfillment["tracking_number"] == "JD0888"


def test_tracking_added_later_finds_the_fulfillment_when_redis_forgot_it(
    out_settings, redis_client, odoo, shop
):
    shop.add_shopify_order(helpers.fixture("shopify_order.json"))
    validated = with_tracking(shipped(81, picking_id=521), 81, None)
    outbox(redis_client, validated)
    OutboxPusher(out_settings, redis_client, odoo).run()
    # e.g. pushed by a version that did not remember the fulfilment id
    redis_client.delete(keys.fulfilment("webshop", 521))
    outbox(redis_client, with_tracking(validated, 82, "JD0999"))
    OutboxPusher(out_settings, redis_client, odoo).run()
    [fulfillment] = shop.fulfillments["5678901234"]
    assert fulfillment["tracking_number"] == "JD0999"
    assert redis_client.xlen(keys.DEAD) == 0 and redis_client.zcard(keys.RETRY) == 0


def test_marker_of_the_picking_alone_still_stops_a_replay(out_settings, redis_client, odoo, shop):
    """Markers written before the tracking number counted: picking id -> outbox id."""
    shop.add_shopify_order(helpers.fixture("shopify_order.json"))
    redis_client.set(keys.pushed("webshop", "shipment.shipped", "531"), 91)
    outbox(redis_client, with_tracking(shipped(91, picking_id=531), 91, None))
    OutboxPusher(out_settings, redis_client, odoo).run()
    assert shop.requests_to("POST", r"/fulfillments") == []


def test_woocommerce_gets_a_note_per_tracking_number(out_settings, redis_client, odoo, shop):
    validated = with_tracking(shipped(101, picking_id=541, channel="woo", external_id="4750"),
                              101, None)  # fmt: skip
    outbox(redis_client, validated, with_tracking(validated, 102, "JD0555"))
    OutboxPusher(out_settings, redis_client, odoo).run()
    redis_client.delete(keys.CURSOR, *redis_client.keys("oms:pushed:*"))
    OutboxPusher(out_settings, redis_client, odoo).run()  # replayed, markers lost
    notes = [note["note"] for note in shop.woo_notes["4750"]]
    assert len(notes) == 2 and "JD0555" in notes[1] and "JD0555" not in notes[0]


def test_carrier_code_is_preferred_for_tracking_company_and_carrier_settings(
    out_settings, redis_client, odoo, shop
):
    shop.add_shopify_order(helpers.fixture("shopify_order.json"))
    event = with_tracking(shipped(111, picking_id=551), 111, "JD0111",
                          carrier="PostNL Standaard", carrier_code="postnl")  # fmt: skip
    outbox(redis_client, event)
    OutboxPusher(out_settings, redis_client, odoo).run()
    [create] = shop.requests_to("POST", r"/fulfillments\.json$")
    assert create["body"]["fulfillment"]["tracking_info"]["company"] == "postnl"
    assert redis_client.smembers(keys.active_tracking("postnl")) == {b"JD0111"}


@pytest.mark.parametrize(("code", "company"), [
    ("dhl", "Deutsche Post"),  # the channel's carrier_names
    ("dpd", "DPD"),  # Shopify's name, the same in every country
    ("hermes_de", "hermes_de"),  # neither: our code as it is
])  # fmt: skip
def test_shopify_gets_its_own_name_of_the_carrier(
    code, company, out_settings, redis_client, odoo, shop
):
    shop.add_shopify_order(helpers.fixture("shopify_order.json"))
    outbox(redis_client, with_tracking(shipped(121, picking_id=561), 121, "JD0121",
                                       carrier="Parcel", carrier_code=code))  # fmt: skip
    OutboxPusher(out_settings, redis_client, odoo).run()
    [create] = shop.requests_to("POST", r"/fulfillments\.json$")
    assert create["body"]["fulfillment"]["tracking_info"]["company"] == company
