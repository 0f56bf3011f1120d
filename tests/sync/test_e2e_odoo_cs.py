"""End to end on a real Odoo 18: the customer-service API and its MCP server.

Real redis-server, the API under uvicorn, a Celery worker with beat, Odoo 18 (odoo-bin on a
copy of the demo database, test_e2e_odoo.py's fixture) over JSON-RPC; only the shop is a
double (Shopify's Admin API with its refunds, tests/sync/refund_doubles.py). Orders come in
as signed Shopify webhooks; customer service then finds, reads, cancels and changes them
through /cs/v1, and an AI agent does the same through the MCP server with the SDK's client
session. Every refusal is asked for. Skipped, loudly, when Odoo 18 is not importable.
"""

from __future__ import annotations

import copy
import itertools
import json
import sys
import uuid

import httpx
import pytest

from tests.sync import helpers
from tests.sync.conftest import ROOT, free_port
from tests.sync.processes import Process, _answers, service_env, start_worker, wait_until
from tests.sync.refund_doubles import RefundingShopDouble
from tests.sync.shop_doubles import SHOPIFY
from tests.sync.test_e2e_odoo import SYNC_PASSWORD, odoo  # noqa: F401 (the Odoo fixture)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CS_PASSWORD = "cs-api-key-e2e"
KEYS = {
    "helpdesk": "cs_test_helpdesk_0123456789",
    "reader": "cs_test_reader_0123456789",
    "agent": "cs_test_agent_01234567890",
    "tiny": "cs_test_tiny_0123456789ab",
}
CLIENTS = {
    "helpdesk": {
        "name": "Helpdesk",
        "key": KEYS["helpdesk"],
        "scopes": ["read", "cancel", "change", "return"],
    },
    "reader": {"name": "Status page", "key": KEYS["reader"], "scopes": ["read"]},
    "agent": {
        "name": "Phone agent",
        "key": KEYS["agent"],
        "scopes": ["read", "cancel", "change", "return"],
    },
    "tiny": {
        "name": "Tiny",
        "key": KEYS["tiny"],
        "scopes": ["read"],
        "rate_per_minute": 3,
        "failed_lookups_per_hour": 2,
    },
}
_order_ids = itertools.count(7400001001)


def _group_id(odoo, xmlid: str) -> int:  # noqa: F811
    module, name = xmlid.split(".")
    return odoo.admin("ir.model.data", "check_object_reference", module, name)[1]


def start_api(settings, tmp_path, name: str, **extra: str) -> tuple[Process, str]:
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "sync_service",
        "api",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    process = Process(argv, service_env(settings, **extra), tmp_path / f"{name}.log")
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: _answers(url), what=f"API on {url}", timeout=30, process=process)
    return process, url


class Stack:
    def __init__(self, odoo, url, shop, worker, redis):  # noqa: F811
        self.odoo, self.url, self.shop, self.worker, self.redis = odoo, url, shop, worker, redis

    def post(self, client: str, path: str, body: dict, key: str | None = None, **headers):
        headers = {"Authorization": f"Bearer {KEYS[client]}", **headers}
        if key:
            headers["Idempotency-Key"] = key
        return httpx.post(f"{self.url}/cs/v1{path}", json=body, headers=headers, timeout=60)

    def new_order(self, quantity: int = 3) -> dict:
        """A paid Shopify order of mugs, in Odoo: its identity proof and Odoo id."""
        order_id = next(_order_ids)
        order = helpers.shopify_order(order_id, "2026-11-26T10:00:00Z", financial_status="paid")
        order["currency"] = self.currency
        order["shipping_address"].update(
            address1="Torstr. 120", city="Berlin", zip="10119", country_code="DE", country="Germany"
        )
        order["line_items"][0].update(id=31, sku="MUG-STONE", price="12.50", quantity=quantity)
        order["total_price"] = str(12.5 * quantity + 4.90)
        self.shop.add_shopify_order(copy.deepcopy(order))
        body, headers = helpers.shopify(order)
        reply = httpx.post(f"{self.api_webhooks}/webhooks/webshop", content=body, headers=headers)
        assert reply.status_code == 202, reply.text
        wait_until(
            lambda: self.sale_order(order_id) and self.sale_order(order_id)["picking_ids"],
            what="the order in Odoo",
            timeout=120,
            process=self.worker,
        )
        return {
            "shopify_id": order_id,
            "order": order["name"],
            "email": "ana@example.com",
            "odoo": self.sale_order(order_id),
        }

    def sale_order(self, shopify_id: int) -> dict | None:
        found = self.odoo.admin(
            "sale.order",
            "search_read",
            [["oms_external_id", "=", str(shopify_id)]],
            fields=[
                "name",
                "state",
                "picking_ids",
                "order_line",
                "oms_delivery_mode",
                "partner_shipping_id",
            ],
        )
        return found[0] if found else None

    def mug_quantity(self, shopify_id: int) -> float:
        [line] = self.odoo.admin(
            "sale.order.line",
            "search_read",
            [
                ["order_id.oms_external_id", "=", str(shopify_id)],
                ["oms_external_line_id", "=", "31"],
            ],
            fields=["product_uom_qty"],
        )
        return line["product_uom_qty"]

    def notes(self, order_id: int) -> str:
        messages = self.odoo.admin(
            "mail.message",
            "search_read",
            [["model", "=", "sale.order"], ["res_id", "=", order_id]],
            fields=["body"],
        )
        return " ".join(m["body"] for m in messages)


@pytest.fixture(scope="module")
def stack(odoo, redis_server, tmp_path_factory):  # noqa: F811
    tmp_path = tmp_path_factory.mktemp("cs")
    [sync_uid] = odoo.admin("res.users", "search", [["login", "=", "oms_sync"]])
    odoo.admin("res.users", "write", [sync_uid], {"password": SYNC_PASSWORD})
    [company] = odoo.admin("res.users", "read", [sync_uid], fields=["company_id"])
    cs_login = f"oms_cs_api_{uuid.uuid4().hex[:6]}"
    odoo.admin(
        "res.users",
        "create",
        {
            "name": "OMS customer-service API",
            "login": cs_login,
            "password": CS_PASSWORD,
            "company_id": company["company_id"][0],
            "company_ids": [[6, 0, [company["company_id"][0]]]],
            "groups_id": [
                [
                    6,
                    0,
                    [
                        _group_id(odoo, "base.group_user"),
                        _group_id(odoo, "oms_omnichannel.group_oms_customer_service_api"),
                    ],
                ]
            ],
        },
    )
    [currency] = odoo.admin(
        "res.company", "read", [company["company_id"][0]], fields=["currency_id"]
    )
    shop = RefundingShopDouble()
    settings = helpers.make_settings(
        redis_server.url,
        odoo_url=odoo.url,
        odoo_db=odoo.db,
        odoo_login="oms_sync",
        odoo_api_key=SYNC_PASSWORD,
        channels={
            "webshop": {
                "provider": "shopify",
                "secret": helpers.SHOPIFY_SECRET,
                "api_url": shop.url + SHOPIFY,
                "location_id": "1",
                "access_token": "shpat_e2e",
            }
        },
    )
    cs_env = {
        "OMS_CS_CLIENTS": json.dumps(CLIENTS),
        "OMS_CS_ODOO_LOGIN": cs_login,
        "OMS_CS_ODOO_API_KEY": CS_PASSWORD,
    }
    api, url = start_api(settings, tmp_path, "api", **cs_env)
    # Configured with the integration user: a deployment mistake, refused by Odoo's doors.
    wrong, wrong_url = start_api(
        settings, tmp_path, "api-wrong-user", OMS_CS_CLIENTS=json.dumps(CLIENTS)
    )
    worker = start_worker(
        settings,
        tmp_path,
        OMS_OUTBOX_INTERVAL_S="0.5",
        OMS_ODOO_GATEWAY="sync_service.odoo_client:JsonRpcOdoo",
    )
    result = Stack(odoo, url, shop, worker, redis_server.client())
    result.api_webhooks, result.wrong_url, result.currency = (
        url,
        wrong_url,
        currency["currency_id"][1],
    )
    result.cs_login, result.tmp_path = cs_login, tmp_path
    try:
        yield result
    finally:
        worker.stop()
        api.stop()
        wrong.stop()
        shop.close()


def identity(order: dict, **change) -> dict:
    return {"order": order["order"], "email": order["email"], **change}


def test_refusals_at_the_door(stack):
    order = stack.new_order()
    proof = {"identity": identity(order)}
    assert httpx.post(f"{stack.url}/cs/v1/orders/find", json=proof).status_code == 401
    bad = httpx.post(
        f"{stack.url}/cs/v1/orders/find", json=proof, headers={"Authorization": "Bearer not-a-key"}
    )
    assert (bad.status_code, bad.json()["title"]) == (401, "bad_api_key")
    assert bad.headers["content-type"] == "application/problem+json"
    scope = stack.post("reader", "/orders/cancel", proof, key="k-scope")
    assert (scope.status_code, scope.json()["title"]) == (403, "missing_scope")
    no_key = stack.post("helpdesk", "/orders/cancel", proof)
    assert (no_key.status_code, no_key.json()["title"]) == (422, "missing_idempotency_key")
    negative = stack.post(
        "helpdesk",
        "/orders/cancel",
        {**proof, "lines": [{"sku": "MUG-STONE", "quantity": -1}]},
        key="k-neg",
    )
    assert (negative.status_code, negative.json()["field"]) == (422, "lines.0.quantity")
    no_proof = stack.post("helpdesk", "/orders/status", {"identity": {"order": order["order"]}})
    assert (no_proof.status_code, no_proof.json()["title"]) == (422, "invalid_request")
    for wrong in ({"email": "eve@example.com"}, {"postal_code": "99999"}):
        answer = stack.post(
            "helpdesk", "/orders/status", {"identity": {"order": order["order"], **wrong}}
        )
        assert (answer.status_code, answer.json()["title"]) == (404, "not_found")
        assert "Ana" not in answer.text
    assert stack.mug_quantity(order["shopify_id"]) == 3.0
    # The customer-service user in Odoo must be of its group: the integration user is not.
    misconfigured = httpx.post(
        f"{stack.wrong_url}/cs/v1/orders/find",
        json=proof,
        headers={"Authorization": f"Bearer {KEYS['helpdesk']}"},
    )
    assert (misconfigured.status_code, misconfigured.json()["title"]) == (503, "odoo_misconfigured")


def test_rate_limits_per_client(stack):
    order = stack.new_order()
    wrong = {"identity": identity(order, email="eve@example.com")}
    answers = [stack.post("tiny", "/orders/find", wrong).status_code for _ in range(3)]
    assert answers == [404, 404, 429], "two failed proofs an hour, then no more guessing"
    limited = stack.post("tiny", "/orders/find", {"identity": identity(order)})
    assert limited.status_code == 429
    assert limited.json()["title"] == "rate_limited" and int(limited.headers["retry-after"]) > 0
    assert stack.post("helpdesk", "/orders/find", {"identity": identity(order)}).status_code == 200


def test_status_and_options_in_plain_words(stack):
    order = stack.new_order()
    status = stack.post("helpdesk", "/orders/status", {"identity": identity(order)})
    assert status.status_code == 200, status.text
    body = status.json()
    assert body["order"]["order"] == order["odoo"]["name"]
    assert body["order"]["shop_order"] == order["order"]
    assert body["shipments"] and body["shipments"][0]["status"]
    assert body["promise"].startswith("Arrives by")
    by_zip = stack.post(
        "reader",
        "/orders/status",
        {"identity": {"order": order["odoo"]["name"], "postal_code": "10119"}},
    )
    assert by_zip.status_code == 200
    options = stack.post("reader", "/orders/options", {"identity": identity(order)}).json()
    assert options["cancel"]["whole_order"] is True
    assert options["cancel"]["lines"][0]["cancellable"] == 3.0
    assert "CGN" in {store["code"] for store in options["change_delivery_mode"]["pickup_stores"]}
    assert options["return"]["possible"] is False
    notes = stack.notes(order["odoo"]["id"])
    assert "Status looked up by Helpdesk" in notes and "Options looked up by Status page" in notes


def test_partial_cancel_refunds_through_the_shop_once(stack):
    order = stack.new_order()
    body = {
        "identity": identity(order),
        "lines": [{"sku": "MUG-STONE", "quantity": 1}],
        "reason": "Ordered one too many",
    }
    first = stack.post("helpdesk", "/orders/cancel", body, key="cancel-1")
    assert first.status_code == 200, first.text
    assert first.json()["refund"]["amount"]
    again = stack.post("helpdesk", "/orders/cancel", body, key="cancel-1")
    assert (again.status_code, again.json()) == (200, first.json())
    other = stack.post("helpdesk", "/orders/cancel", {**body, "reason": "else"}, key="cancel-1")
    assert (other.status_code, other.json()["title"]) == (409, "idempotency_conflict")
    assert stack.mug_quantity(order["shopify_id"]) == 2.0
    shopify_id = str(order["shopify_id"])
    wait_until(
        lambda: stack.shop.shopify_refunds[shopify_id],
        what="the refund at Shopify",
        timeout=60,
        process=stack.worker,
    )

    def request_state():
        return stack.odoo.admin(
            "oms.refund.request",
            "search_read",
            [["sale_order_id", "=", order["odoo"]["id"]]],
            fields=["state", "amount_total"],
        )

    wait_until(
        lambda: request_state()[0]["state"] == "refunded",
        what="the shop's refund confirming the request",
        timeout=60,
        process=stack.worker,
    )
    [refund] = stack.shop.shopify_refunds[shopify_id]
    assert refund["note"].endswith("[oms-refund:helpdesk:cancel-1:refund]")
    # Shopify's own refunds/create webhook comes back for it: nothing is reduced twice.
    payload, headers = helpers.shopify(refund, topic="refunds/create")
    reply = httpx.post(f"{stack.url}/webhooks/webshop", content=payload, headers=headers)
    assert reply.status_code == 202, reply.text
    wait_until(
        lambda: stack.redis.xlen("oms:inbox") == 0,
        what="the webhook handled",
        timeout=60,
        process=stack.worker,
    )
    assert stack.mug_quantity(order["shopify_id"]) == 2.0
    assert len(stack.shop.shopify_refunds[shopify_id]) == 1
    refunds = stack.odoo.admin(
        "oms.order.refund", "search_count", [["sale_order_id", "=", order["odoo"]["id"]]]
    )
    assert refunds == 1
    assert "Lines cancelled, asked by Helpdesk" in stack.notes(order["odoo"]["id"])


def test_address_and_delivery_mode_changes(stack):
    order = stack.new_order()
    tokyo = {"street": "1-1 Marunouchi", "city": "Tokyo", "zip": "100-0005", "country_code": "JP"}
    refused = stack.post(
        "helpdesk",
        "/orders/change-address",
        {"identity": identity(order), "address": tokyo},
        key="addr-jp",
    )
    assert (refused.status_code, refused.json()["title"]) == (422, "no_carrier")
    munich = {
        "name": "Ana Silva",
        "street": "Sendlinger Str. 12",
        "city": "München",
        "zip": "80331",
        "country_code": "DE",
    }
    moved = stack.post(
        "helpdesk",
        "/orders/change-address",
        {"identity": identity(order), "address": munich},
        key="addr-muc",
    )
    assert moved.status_code == 200, moved.text
    assert "Sendlinger" in moved.json()["summary"] and moved.json()["promise"]
    # The proof now is the new postal code (or the e-mail).
    pickup = stack.post(
        "helpdesk",
        "/orders/change-delivery-mode",
        {
            "identity": {"order": order["order"], "postal_code": "80331"},
            "mode": "pickup",
            "pickup_store": "CGN",
        },
        key="mode-cgn",
    )
    assert pickup.status_code == 200, pickup.text
    assert pickup.json()["promise"].startswith("Ready for pickup")
    assert stack.sale_order(order["shopify_id"])["oms_delivery_mode"] == "pickup"
    bad_store = stack.post(
        "helpdesk",
        "/orders/change-delivery-mode",
        {"identity": identity(order), "mode": "pickup", "pickup_store": "HAM"},
        key="mode-ham",
    )
    assert (bad_store.status_code, bad_store.json()["title"]) == (422, "invalid_store")


def test_what_is_prepared_or_shipped_cannot_change(stack):
    order = stack.new_order()
    odoo_order = order["odoo"]
    pickings = stack.odoo.admin(
        "stock.picking", "read", odoo_order["picking_ids"], fields=["move_ids", "state"]
    )
    moves = [m for p in pickings for m in p["move_ids"]]
    stack.odoo.admin("stock.move", "write", moves, {"picked": True})
    body = {"identity": identity(order), "lines": [{"sku": "MUG-STONE", "quantity": 1}]}
    prepared = stack.post("helpdesk", "/orders/cancel", body, key="prep-1")
    assert (prepared.status_code, prepared.json()["title"]) == (409, "being_prepared")
    mode = stack.post(
        "helpdesk",
        "/orders/change-delivery-mode",
        {"identity": identity(order), "mode": "ship", "service_level": "express"},
        key="prep-2",
    )
    assert (mode.status_code, mode.json()["title"]) == (409, "being_prepared")
    for move in stack.odoo.admin("stock.move", "read", moves, fields=["product_uom_qty"]):
        stack.odoo.admin("stock.move", "write", [move["id"]], {"quantity": move["product_uom_qty"]})
    for picking in pickings:
        stack.odoo.admin(
            "stock.picking",
            "button_validate",
            [picking["id"]],
            context={"skip_backorder": True, "skip_sms": True},
        )
    shipped = stack.post("helpdesk", "/orders/cancel", body, key="ship-1")
    assert (shipped.status_code, shipped.json()["title"]) == (409, "already_shipped")
    assert "return" in shipped.json()["detail"]
    returned = stack.post("helpdesk", "/orders/returns", body, key="ret-1")
    assert (returned.status_code, returned.json()["title"]) == (501, "not_available")
    assert stack.mug_quantity(order["shopify_id"]) == 3.0


def test_an_ai_agent_uses_every_tool_through_the_mcp_server(stack):
    """The SDK's client session, over stdio, with the MCP server as the agent's host runs it."""
    import anyio
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    order = stack.new_order()
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "sync_service.customer_service.mcp_server"],
        env={
            "OMS_CS_MCP_API_URL": stack.url,
            "OMS_CS_MCP_API_KEY": KEYS["agent"],
            "PYTHONPATH": str(ROOT),
        },
    )
    proof = {"order": order["order"], "email": order["email"]}
    results = {}

    async def conversation():
        with (stack.tmp_path / "mcp.log").open("w") as errlog:
            async with (
                stdio_client(params, errlog=errlog) as (read, write),
                ClientSession(read, write) as session,
            ):
                await session.initialize()
                tools = await session.list_tools()
                results["tools"] = {tool.name: tool for tool in tools.tools}
                calls = [
                    ("find_order", proof),
                    ("get_order_status", proof),
                    ("get_order_options", proof),
                    ("cancel_order", {**proof, "lines": [{"sku": "MUG-STONE", "quantity": 1}]}),
                    (
                        "change_delivery_address",
                        {
                            **proof,
                            "address": {
                                "name": "Ana Silva",
                                "street": "Sendlinger Str. 12",
                                "city": "München",
                                "zip": "80331",
                                "country_code": "DE",
                            },
                        },
                    ),
                    (
                        "change_delivery_mode",
                        {**proof, "mode": "pickup", "pickup_store": "CGN"},
                    ),
                    ("start_return", {**proof, "lines": [{"sku": "MUG-STONE", "quantity": 1}]}),
                    ("get_order_status", {"order": order["order"], "email": "eve@example.com"}),
                    ("get_order_status", {"order": order["order"]}),
                ]
                for name, arguments in calls:
                    results.setdefault(name, []).append(await session.call_tool(name, arguments))

    anyio.run(conversation)
    tools = results["tools"]
    assert set(tools) == {
        "find_order",
        "get_order_status",
        "get_order_options",
        "cancel_order",
        "change_delivery_address",
        "change_delivery_mode",
        "start_return",
    }
    assert all(tool.description and tool.output_schema for tool in tools.values())
    assert tools["get_order_status"].annotations.read_only_hint is True
    [found] = results["find_order"]
    assert not found.is_error and found.structured_content["order"]["shop_order"] == order["order"]
    status, wrong_proof, no_proof = results["get_order_status"]
    assert not status.is_error and status.structured_content["shipments"]
    assert wrong_proof.is_error and "not found" in wrong_proof.content[0].text
    assert "Ana" not in wrong_proof.content[0].text
    assert no_proof.is_error and "e-mail address" in no_proof.content[0].text
    [options] = results["get_order_options"]
    assert options.structured_content["cancel"]["whole_order"] is True
    [cancelled] = results["cancel_order"]
    assert not cancelled.is_error, cancelled.content
    assert cancelled.structured_content["operation"] == "cancel_lines"
    [moved] = results["change_delivery_address"]
    assert not moved.is_error, moved.content
    [pickup] = results["change_delivery_mode"]
    assert not pickup.is_error and pickup.structured_content["promise"].startswith("Ready")
    [returned] = results["start_return"]
    assert returned.is_error and "not_available" in returned.content[0].text
    assert stack.mug_quantity(order["shopify_id"]) == 2.0
    assert "Lines cancelled, asked by Phone agent (AI agent (MCP))" in stack.notes(
        order["odoo"]["id"]
    )
