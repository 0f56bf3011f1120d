"""End to end on a real Odoo 18: Shopify refunds reach the sale order.

Same stack as test_e2e_odoo.py (its ``odoo`` fixture: odoo-bin on a fresh database with the
addon and its demo data, JSON-RPC as the sync service's own user); only the shop is absent,
its webhooks are signed here. Skipped, loudly, when Odoo 18 is not importable.
"""

from __future__ import annotations

import copy

import httpx
import pytest

from tests.sync import helpers
from tests.sync.processes import start_api, start_worker, wait_until
from tests.sync.test_e2e_odoo import SYNC_PASSWORD, odoo  # noqa: F401 (the Odoo fixture)

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _order(odoo, order_id: int) -> dict:  # noqa: F811
    [company] = odoo.admin("res.users", "read", [2], fields=["company_id"])
    [currency] = odoo.admin("res.company", "read", [company["company_id"][0]],
                            fields=["currency_id"])  # fmt: skip
    order = helpers.shopify_order(order_id, "2026-11-26T10:00:00Z", financial_status="paid")
    order["currency"] = currency["currency_id"][1]
    order["shipping_address"].update(
        address1="Torstr. 120", city="Berlin", zip="10119", country_code="DE", country="Germany"
    )
    order["line_items"][0].update(id=31, sku="MUG-STONE", price="12.50", quantity=3)
    return order


def _refund(order_id: int, refund_id: int, restock: str, quantity: int) -> dict:
    refund = copy.deepcopy(helpers.fixture("shopify_refund.json"))
    refund.update(id=refund_id, order_id=order_id)
    line = refund["refund_line_items"][0]
    line.update(line_item_id=31, quantity=quantity, restock_type=restock, subtotal="12.50")
    line["line_item"].update(id=31, sku="MUG-STONE")
    return refund


def test_shopify_refunds_reach_the_order_in_odoo(odoo, redis_server, redis_client, tmp_path):  # noqa: F811
    [sync_uid] = odoo.admin("res.users", "search", [["login", "=", "oms_sync"]])
    odoo.admin("res.users", "write", [sync_uid], {"password": SYNC_PASSWORD})
    settings = helpers.make_settings(
        redis_server.url, odoo_url=odoo.url, odoo_db=odoo.db, odoo_login="oms_sync",
        odoo_api_key=SYNC_PASSWORD, retry_base_s=1.0, retry_max_s=2.0,
        channels={"webshop": {"provider": "shopify", "secret": helpers.SHOPIFY_SECRET}},
    )  # fmt: skip
    api, api_url = start_api(settings, tmp_path)
    worker = start_worker(
        settings, tmp_path, OMS_ODOO_GATEWAY="sync_service.odoo_client:JsonRpcOdoo"
    )

    def send(payload, topic):
        body, headers = helpers.shopify(payload, topic=topic)
        reply = httpx.post(f"{api_url}/webhooks/webshop", content=body, headers=headers)
        assert reply.status_code == 202, reply.text

    def refunds(external_id):
        return odoo.admin(
            "oms.order.refund", "search_read",
            [["sale_order_id.oms_external_id", "=", external_id]],
            fields=["external_refund_id", "amount_total", "cancelled_quantity",
                    "return_quantity", "sale_order_id"],
        )  # fmt: skip

    def mug_line(external_id):
        [line] = odoo.admin(
            "sale.order.line", "search_read",
            [["order_id.oms_external_id", "=", external_id], ["oms_external_line_id", "=", "31"]],
            fields=["product_uom_qty", "move_ids"],
        )  # fmt: skip
        moves = odoo.admin("stock.move", "read", line["move_ids"],
                           fields=["state", "product_uom_qty", "picking_code"])  # fmt: skip
        open_qty = sum(
            m["product_uom_qty"]
            for m in moves
            if m["state"] not in ("done", "cancel") and m["picking_code"] == "outgoing"
        )
        return line["product_uom_qty"], open_qty, {m["picking_code"] for m in moves}  # fmt: skip

    try:
        # 1. The order, then a refund of one mug before it shipped.
        send(_order(odoo, 7400000011), "orders/create")
        wait_until(lambda: odoo.admin("sale.order", "search_count",
                                      [["oms_external_id", "=", "7400000011"]]) == 1,
                   what="the order in Odoo", timeout=120, process=worker)  # fmt: skip
        assert mug_line("7400000011")[:2] == (3.0, 3.0)
        send(_refund(7400000011, 91, "cancel", 1), "refunds/create")
        wait_until(lambda: refunds("7400000011"), what="the refund in Odoo", timeout=120,
                   process=worker)  # fmt: skip
        [refund] = refunds("7400000011")
        assert (refund["external_refund_id"], refund["amount_total"]) == ("91", 23.62)
        assert (refund["cancelled_quantity"], refund["return_quantity"]) == (1.0, 0.0)
        ordered, still_open, kinds = mug_line("7400000011")
        assert (ordered, still_open) == (2.0, 2.0)
        assert kinds == {"outgoing"}, "no return receipt for a unit that never left"

        # 2. A refund that overtakes its order: retried until the order is there.
        send(_refund(7400000012, 92, "cancel", 2), "refunds/create")
        wait_until(lambda: redis_client.zcard("oms:inbox:retry") >= 1,
                   what="the early refund parked for a retry", timeout=60,
                   process=worker)  # fmt: skip
        send(_order(odoo, 7400000012), "orders/create")
        wait_until(lambda: refunds("7400000012") and redis_client.xlen("oms:inbox") == 0,
                   what="the early refund applied", timeout=120, process=worker)  # fmt: skip
        assert mug_line("7400000012")[:2] == (1.0, 1.0)
        assert redis_client.xlen("oms:inbox:dead") == 0
        order = odoo.admin("sale.order", "search_read", [["oms_external_id", "=", "7400000012"]],
                           fields=["oms_refund_count", "message_ids"])  # fmt: skip
        assert order[0]["oms_refund_count"] == 1
    finally:
        worker.stop()
        api.stop()
