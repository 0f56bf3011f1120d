# ruff: noqa: F811  (pytest fixtures imported from checkout_conftest and test_checkout_odoo)
"""The checkout projection of a channel whose stock is ring-fenced (docs/channel_stock.md),
against a real Odoo 18 with ``oms_channel_stock``: rebuilt from ``export_sellable``, each
channel's projection shows its own figure, and handing the fence back reaches the others'
projections through the outbox's ``stock.changed`` events, without a rebuild.

The Odoo server is the one ``test_checkout_odoo`` starts (skipped, loudly, without an Odoo 18);
the fence addon is installed into it first.
"""

from __future__ import annotations

import pytest

from sync_service.checkout.projection import (
    apply_stock_changes,
    read_projection,
    rebuild_projection,
)
from tests.sync.checkout_conftest import (  # noqa: F401
    checkout_redis_server,
    ck_settings,
    rds,
)
from tests.sync.test_checkout_odoo import odoo  # noqa: F401

pytestmark = pytest.mark.integration

WEB, MARKET = "rfweb", "rfmarket"


@pytest.fixture(scope="module")
def fenced(odoo):
    """A node with 10 lamps; the marketplace owns 20% of them, the web shop does not."""
    [module] = odoo.call("ir.module.module", "search", [("name", "=", "oms_channel_stock")])
    odoo.call("ir.module.module", "button_immediate_install", [module])
    wid = odoo.call("stock.warehouse", "create", {"name": "Fence node", "code": "RFA"})
    odoo.call("stock.warehouse", "write", [wid], {"oms_routing_enabled": True})
    [warehouse] = odoo.call("stock.warehouse", "read", [wid], ["lot_stock_id"])
    channels = {}
    for code in (WEB, MARKET):
        channels[code] = odoo.call("oms.channel", "create", {
            "name": code, "code": code, "warehouse_ids": [(6, 0, [wid])]})  # fmt: skip
    lamp = odoo.call("product.product", "create", {
        "name": "Fenced lamp", "default_code": "RF-LAMP", "type": "consu",
        "is_storable": True})  # fmt: skip
    ctx = {"inventory_mode": True}
    quant = odoo.call("stock.quant", "create", {
        "product_id": lamp, "location_id": warehouse["lot_stock_id"][0],
        "inventory_quantity": 10}, context=ctx)  # fmt: skip
    odoo.call("stock.quant", "action_apply_inventory", [quant], context=ctx)
    rule = odoo.call("oms.channel.stock.rule", "create", {
        "channel_id": channels[MARKET], "warehouse_id": wid, "product_id": lamp,
        "fence_type": "percent", "percent": 20})  # fmt: skip
    return {"rule": rule}


def test_each_channel_projection_shows_its_fenced_figure(odoo, fenced, rds, ck_settings):
    def export(channel):
        return odoo.call("oms.channel", "export_sellable", channel, ["RF-LAMP"])

    for channel in (WEB, MARKET):
        report = rebuild_projection(channel, export, redis=rds, settings=ck_settings)
        assert report["status"] == "ok"
    # The marketplace sells its 2 lamps and the shared 8; the web shop the shared 8 only.
    assert read_projection(WEB, redis=rds, settings=ck_settings)["RF-LAMP"] == {"RFA": 8}
    assert read_projection(MARKET, redis=rds, settings=ck_settings)["RF-LAMP"] == {"RFA": 10}

    cursor = odoo.call("oms.outbox.event", "fetch_since", 0, 5000)["cursor"]
    odoo.call("oms.channel.stock.rule", "action_release", [fenced["rule"]])
    events = odoo.call("oms.outbox.event", "fetch_since", cursor, 5000)["events"]
    apply_stock_changes(events, redis=rds, settings=ck_settings, channels=[WEB, MARKET])
    assert read_projection(WEB, redis=rds, settings=ck_settings)["RF-LAMP"] == {"RFA": 10}
    assert read_projection(MARKET, redis=rds, settings=ck_settings)["RF-LAMP"] == {"RFA": 10}
