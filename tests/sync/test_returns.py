"""Shopify returns (``returns/request``, ``returns/approve``) -> the canonical return Odoo's
``apply_returns`` receives: once per delivery, refusals to the dead letters, Odoo down kept."""

from __future__ import annotations

import json

import pytest

from sync_service.inbox import keys
from sync_service.worker.ingest import Ingestor, make_consumer
from tests.sync import helpers, sinks

RETURNS = "oms:test:sink:returns"


class ReturnsOdoo(sinks.RecordingOdoo):
    """The recording sink with the returns door; answers are scripted per return id."""

    def apply_returns(self, returns: list[dict]) -> list[dict]:
        self._gate()
        results = []
        for ret in returns:
            scripted = self.redis.get(sinks.reply_key(f"return:{ret['return_id']}"))
            results.append(
                json.loads(scripted)
                if scripted
                else {"status": "created", "return_id": ret["return_id"], "error": None}
            )
        self.redis.rpush(RETURNS, *[json.dumps(ret) for ret in returns])
        return results


@pytest.fixture
def returns_ingestor(fast_settings, redis_client):
    consumer = make_consumer(redis_client, fast_settings, "test-consumer")
    return Ingestor(consumer, ReturnsOdoo(fast_settings), batch_size=10)


def shopify_return(return_id=945000, order_id=5678901234, quantity=1) -> dict:
    return {
        "id": return_id,
        "admin_graphql_api_id": f"gid://shopify/Return/{return_id}",
        "name": "#1042-R1",
        "status": "requested",
        "order": {"id": order_id, "admin_graphql_api_id": f"gid://shopify/Order/{order_id}"},
        "total_return_line_items": 1,
        "return_line_items": [
            {
                "id": 617000,
                "admin_graphql_api_id": "gid://shopify/ReturnLineItem/617000",
                "fulfillment_line_item": {
                    "id": 5830000,
                    "line_item": {
                        "id": 866550311766439020,
                        "admin_graphql_api_id": "gid://shopify/LineItem/866550311766439020",
                    },
                },
                "quantity": quantity,
                "return_reason": "SIZE_TOO_SMALL",
                "return_reason_note": "",
                "customer_note": "Too tight",
            }
        ],
    }


def post(api, payload, topic="returns/request", **kwargs):
    body, headers = helpers.shopify(payload, topic=topic, **kwargs)
    return api.post("/webhooks/webshop", content=body, headers=headers)


def recorded(client) -> list[dict]:
    return [json.loads(raw) for raw in client.lrange(RETURNS, 0, -1)]


def test_a_shopify_return_becomes_the_canonical_return_odoo_receives(
    api, returns_ingestor, redis_client
):
    assert post(api, shopify_return()).status_code == 202
    assert returns_ingestor.drain() == 1
    assert recorded(redis_client) == [
        {
            "channel": "webshop",
            "external_id": "5678901234",
            "return_id": "945000",
            "note": "Too tight",
            "lines": [
                {
                    "external_id": "866550311766439020",
                    "sku": "",
                    "quantity": "1",
                    "reason": "wrong_size",
                    "condition": None,
                }
            ],
        }
    ]
    assert redis_client.xpending(keys.STREAM, keys.GROUP)["pending"] == 0


def test_request_then_approve_reach_odoo_with_the_same_return_id(
    api, returns_ingestor, redis_client
):
    post(api, shopify_return(), webhook_id="ret-d-1")
    post(api, shopify_return(), topic="returns/approve", webhook_id="ret-d-2")
    again = post(api, shopify_return(), webhook_id="ret-d-1")
    assert again.json()["status"] == "duplicate"
    returns_ingestor.drain()
    assert [r["return_id"] for r in recorded(redis_client)] == ["945000", "945000"]


def test_a_return_odoo_refuses_goes_to_the_dead_letters_at_once(
    api, returns_ingestor, redis_client
):
    redis_client.set(
        sinks.reply_key("return:945001"),
        json.dumps({"status": "error", "error": {"code": "refused", "reason": "too_many",
                                                 "message": "2 delivered, not 5"}}),
    )  # fmt: skip
    post(api, shopify_return(return_id=945001, quantity=5))
    returns_ingestor.drain()
    [(_id, dead)] = redis_client.xrange(keys.DEAD)
    assert (dead[b"kind"], dead[b"attempts"]) == (b"return", b"1")
    assert dead[b"last_error"].startswith(b"refused")
    assert redis_client.zcard(keys.RETRY) == 0


def test_a_malformed_return_is_refused_at_the_door(api, redis_client):
    payload = shopify_return()
    payload["return_line_items"] = []
    reply = post(api, payload)
    assert reply.status_code == 422
    assert redis_client.xlen(keys.STREAM) == 0
