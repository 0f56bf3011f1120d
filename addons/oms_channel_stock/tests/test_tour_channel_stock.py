# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A manager gives the marketplace a fifth of the DC's lamps and sees what each channel may
sell now (static/tests/tours/oms_channel_stock_tour.js)."""

from odoo.addons.oms_omnichannel.tests.tour_common import OmsTourCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestTourChannelStock(OmsTourCase):
    def test_define_a_fence_and_see_each_channel(self):
        dc = self._create_tour_node("Tour Fence DC", "TFDC", "20095")
        lamp = self._create_tour_product("Tour Fence Lamp", 1.0, {dc: 10}, default_code="TFL-1")
        market = self.env["oms.channel"].create(
            {
                "name": "Tour Marketplace",
                "code": "tour-market",
                "kind": "marketplace",
                "sequence": 99,
            }
        )
        self.start_tour(
            "/odoo/action-oms_channel_stock.oms_channel_stock_rule_action",
            "oms_channel_stock_tour",
            login="admin",
        )
        rule = self.env["oms.channel.stock.rule"].search([("channel_id", "=", market.id)])
        self.assertEqual((rule.warehouse_id, rule.product_id, rule.percent), (dc, lamp, 20.0))
        rows = self.env["oms.channel"]._oms_sellable_rows(lamp, dc, channels=self.channel | market)
        self.assertEqual(
            {row["channel"]: row["sellable"] for row in rows},
            {"tour-webshop": 8.0, "tour-market": 10.0},
        )
