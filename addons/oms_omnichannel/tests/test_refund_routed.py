# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestRefundRouted(OmsRoutingCase):
    """A routed order ships from the nodes the router chose, not from the order's warehouse:
    a cancelled unit must come off the delivery of the node that holds it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dc_a = cls._create_node("DCA")
        cls.dc_b = cls._create_node("DCB")
        cls.shirt = cls._create_product("Shirt", default_code="RF-SHIRT")
        cls.scarf = cls._create_product("Scarf", default_code="RF-SCARF")
        cls._stock(cls.shirt, cls.dc_a, 5)
        cls._stock(cls.scarf, cls.dc_b, 5)
        cls.channel = cls.env["oms.channel"].create(
            {"name": "Routed shop", "code": "refund-routed", "company_id": cls.company.id}
        )

    def _split_order(self):
        order = self._create_order(
            [(self.shirt, 1), (self.scarf, 3)],
            oms_channel_id=self.channel.id,
            oms_external_id="R-1",
        )
        for line in order.order_line:
            line.oms_external_line_id = line.product_id.default_code
        order.action_confirm()
        self.assertEqual(self._shipped(order), {("DCA", self.shirt): 1.0, ("DCB", self.scarf): 3.0})
        return order

    def test_cancelled_units_come_off_the_routed_node_delivery(self):
        order = self._split_order()
        dcb_delivery = self._deliveries(order).filtered(
            lambda p: p.picking_type_id.warehouse_id == self.dc_b
        )
        [result] = self.env["oms.intake"].apply_refunds(
            [
                {
                    "channel": "refund-routed",
                    "external_id": "R-1",
                    "refund_id": "rr-1",
                    "amount": "20.00",
                    "lines": [
                        {"external_id": "RF-SCARF", "quantity": 2, "amount": "20.00",
                         "restock_type": "cancel"},
                    ],
                }
            ]
        )  # fmt: skip
        self.assertEqual(result["status"], "created", result)
        self.assertEqual(self._shipped(order), {("DCA", self.shirt): 1.0, ("DCB", self.scarf): 1.0})
        self.assertEqual(self._deliveries(order).filtered(
            lambda p: p.picking_type_id.warehouse_id == self.dc_b), dcb_delivery)  # fmt: skip
        self.assertFalse(
            order.picking_ids.filtered(lambda p: p.picking_type_code == "incoming"),
            "nothing is turned into a return receipt at the order's home warehouse",
        )
        scarf_line = order.order_line.filtered(lambda line: line.product_id == self.scarf)
        self.assertEqual(scarf_line.product_uom_qty, 1.0)
        # The order's summary and history say it: a row for the change, counted as now.
        self.assertEqual(order.oms_decision_id.trigger, "change")
        self.assertIn("lowered from 3 to 1", order.oms_decision_id.explanation)
        self.assertEqual(order.oms_package_count, 2)
