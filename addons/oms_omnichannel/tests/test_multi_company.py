from freezegun import freeze_time
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestMultiCompany(OmsRoutingCase):
    """Each company routes over its own warehouses only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own = cls._create_node("OWN")
        cls.shirt = cls._create_product("Shirt")
        cls._stock(cls.shirt, cls.own, 1)
        cls.sister = cls.env["res.company"].create(
            {"name": "Sister Retail", "country_id": cls.germany.id}
        )
        cls.env.user.write({"company_ids": [Command.link(cls.sister.id)]})
        cls.sister_node = (
            cls.env["stock.warehouse"]
            .with_company(cls.sister)
            .create({"name": "Sister DC", "code": "SIS", "company_id": cls.sister.id})
        )
        cls.env["stock.quant"].with_company(cls.sister)._update_available_quantity(
            cls.shirt, cls.sister_node.lot_stock_id, 50
        )

    def test_other_company_stock_is_never_used(self):
        order = self._create_order([(self.shirt, 3)])
        order.action_confirm()
        shipped = self._shipped(order)
        self.assertEqual(shipped[("OWN", self.shirt)], 1.0)
        self.assertNotIn(("SIS", self.shirt), shipped)
        self.assertEqual(order.oms_decision_id.unfulfilled_line_ids.quantity, 2.0)
        self.assertNotIn("Sister", order.oms_decision_id.explanation)

    def test_channel_cannot_sell_from_another_company(self):
        with self.assertRaises(UserError):
            self.env["oms.channel"].create(
                {
                    "name": "Shop",
                    "code": "mc-shop",
                    "company_id": self.company.id,
                    "warehouse_ids": [Command.set(self.sister_node.ids)],
                }
            )

    def test_each_company_gets_its_own_network(self):
        policy = self.env["oms.sourcing.policy"]._get_default_policy()
        network_model = self.env["oms.network"]
        ours = network_model._get_network(self.company, policy)
        theirs = network_model._get_network(self.sister, policy)
        self.assertIn("OWN", {node.id for node in ours.nodes})
        self.assertNotIn("SIS", {node.id for node in ours.nodes})
        self.assertIn("SIS", {node.id for node in theirs.nodes})
