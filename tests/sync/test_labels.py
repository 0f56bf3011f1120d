"""Labels bought by the carrier adapter for Odoo's ``label.requested`` (carriers/labels/),
against a double of EasyPost's Shipment API: once per key whatever crashes, a carrier that
is down waits, an address it refuses goes back to Odoo as failed."""

from __future__ import annotations

import base64
import json

import pytest

from sync_service.carriers.labels.service import buy_label, state_key
from sync_service.odoo_client import OdooError
from sync_service.outbound import keys
from sync_service.outbound.push import OutboxPusher
from tests.sync import helpers, sinks
from tests.sync.easypost_double import PDF, EasyPostDouble

LABELS = "oms:test:sink:labels"


class LabelOdoo(sinks.RecordingOdoo):
    """The recording sink, with the labels door: records every label it is handed."""

    fail_labels = 0

    def apply_labels(self, labels: list[dict]) -> list[dict]:
        self._gate()
        if LabelOdoo.fail_labels:
            LabelOdoo.fail_labels -= 1
            raise OdooError("Odoo unreachable (scripted by the test)")
        self.redis.rpush(LABELS, *[json.dumps(label) for label in labels])
        return [{"key": label["key"], "status": "updated"} for label in labels]


@pytest.fixture
def easypost():
    double = EasyPostDouble()
    yield double
    double.close()


@pytest.fixture
def label_settings(settings, easypost):
    return helpers.make_settings(
        settings.redis_url,
        retry_base_s=0.0,
        retry_max_s=0.0,
        ingest_max_attempts=3,
        carriers={"easypost": {"api_url": easypost.url, "api_key": "EZTK_test"}},
        label_carrier="easypost",
    )


@pytest.fixture
def odoo(label_settings):
    LabelOdoo.fail_labels = 0
    return LabelOdoo(label_settings)


def requested(event_id=1, key="return-7-label-3", zip_from="20095") -> dict:
    return {
        "id": event_id,
        "topic": "label.requested",
        "channel_code": "webshop",
        "res_model": "oms.label.request",
        "res_id": 3,
        "create_date": "2026-12-01",
        "payload": {
            "key": key,
            "direction": "return",
            "carrier": None,
            "service": None,
            "reference": "RET/00007",
            "picking_id": 42,
            "picking_name": "MITTE/IN/00003",
            "order_name": "S00042",
            "from_address": {"name": "Ana Silva", "street": "Rua Augusta 10", "city": "Hamburg",
                             "zip": zip_from, "country_code": "DE"},
            "to_address": {"name": "Store Mitte", "street": "Unter den Linden 1",
                           "city": "Berlin", "zip": "10117", "country_code": "DE"},
            "parcel": {"weight_kg": 1.0},
        },
    }  # fmt: skip


def labels_told(redis_client) -> list[dict]:
    return [json.loads(raw) for raw in redis_client.lrange(LABELS, 0, -1)]


def push(settings, redis_client, odoo, *events) -> None:
    redis_client.rpush(sinks.OUTBOX, *[json.dumps(e) for e in events])
    OutboxPusher(settings, redis_client, odoo).run()


def test_the_cheapest_label_is_bought_once_and_sent_to_odoo(
    label_settings, redis_client, odoo, easypost
):
    push(label_settings, redis_client, odoo, requested())
    [created] = [r for r in easypost.requests if r["path"] == "/v2/shipments"]
    shipment = created["body"]["shipment"]
    assert shipment["reference"] == "return-7-label-3"
    assert shipment["from_address"]["street1"] == "Rua Augusta 10"
    assert shipment["parcel"]["weight"] == 35.3  # ounces
    assert shipment["options"]["label_format"] == "PDF"
    [bought] = easypost.bought()
    assert bought["body"] == {"rate": {"id": "rate_1b"}}  # 5.20 beats 7.58
    [label] = labels_told(redis_client)
    assert label["status"] == "bought"
    assert label["tracking_number"].startswith("9400100000000000")
    assert base64.b64decode(label["label_pdf"]) == PDF
    assert (label["cost"], label["currency"], label["carrier"]) == ("5.20", "USD", "USPS")
    # The outbox row again (a replay after a crash): nothing is bought twice.
    redis_client.delete(keys.CURSOR, *redis_client.keys("oms:pushed:*"))
    OutboxPusher(label_settings, redis_client, odoo).run()
    assert len(easypost.bought()) == 1
    assert len(easypost.shipments) == 1
    assert len(labels_told(redis_client)) == 1


def test_a_crash_after_paying_takes_the_label_already_bought(
    label_settings, redis_client, odoo, easypost
):
    LabelOdoo.fail_labels = 1  # bought, then Odoo is down: the event is parked
    push(label_settings, redis_client, odoo, requested())
    assert len(easypost.bought()) == 1
    assert labels_told(redis_client) == []
    assert redis_client.zcard(keys.RETRY) == 1
    OutboxPusher(label_settings, redis_client, odoo).run()  # the retry is due at once
    assert len(easypost.bought()) == 1, "the shipment already had its label"
    [label] = labels_told(redis_client)
    assert label["status"] == "bought"


def test_a_carrier_that_is_down_is_asked_again(label_settings, redis_client, odoo, easypost):
    easypost.fail_next = 1
    push(label_settings, redis_client, odoo, requested())
    assert labels_told(redis_client) == []
    assert redis_client.zcard(keys.RETRY) == 1
    OutboxPusher(label_settings, redis_client, odoo).run()
    assert [label["status"] for label in labels_told(redis_client)] == ["bought"]
    assert len(easypost.bought()) == 1


def test_an_address_the_carrier_refuses_goes_back_to_odoo_as_failed(
    label_settings, redis_client, odoo, easypost
):
    push(label_settings, redis_client, odoo, requested(zip_from=easypost.bad_zip))
    [label] = labels_told(redis_client)
    assert label["status"] == "failed"
    assert "ADDRESS.VERIFY.FAILURE" in label["error"]
    assert easypost.bought() == []
    assert redis_client.zcard(keys.RETRY) == 0


def test_a_reported_label_is_not_reported_again(label_settings, redis_client, odoo, easypost):
    import httpx

    with httpx.Client() as http:
        assert buy_label(label_settings, redis_client, odoo, http, requested()) == "bought"
        assert buy_label(label_settings, redis_client, odoo, http, requested()) == "unchanged"
    assert redis_client.hget(state_key("return-7-label-3"), "reported") == b"bought"
    assert len(labels_told(redis_client)) == 1
