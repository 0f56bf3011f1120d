"""Lines sold in another unit than the product's (dozens, packs).

Lowering such a line shrinks its routed delivery (never a receipt from the customer);
raising it afterwards routes only what is missing.
"""

from freezegun import freeze_time
from odoo import Command
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestUnitOfMeasure(OmsRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id = [Command.link(cls.env.ref("uom.group_uom").id)]
        cls.north = cls._create_node("NORTH")
        cls.egg = cls._create_product("Egg", weight=0.05)
        cls._stock(cls.egg, cls.north, 100)
        cls.dozen = cls.env.ref("uom.product_uom_dozen")

    def _order_in_dozens(self, dozens):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "warehouse_id": self.home.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.egg.id,
                            "product_uom_qty": dozens,
                            "product_uom": self.dozen.id,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        return order

    def _units(self, order):
        moves = self._deliveries(order).move_ids.filtered(lambda m: m.state != "cancel")
        return sum(moves.mapped("product_qty"))

    def _receipts(self, order):
        return order.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")

    def test_lower_then_raise_a_line_in_dozens(self):
        order = self._order_in_dozens(3)
        self.assertEqual(self._shipped(order), {("NORTH", self.egg): 36.0})
        line = order.order_line
        line.product_uom_qty = 1
        self.assertEqual(self._units(order), 12.0)
        self.assertFalse(self._receipts(order), "nothing was shipped: nothing comes back")
        self.assertEqual(len(self._deliveries(order)), 1)
        line.product_uom_qty = 2
        self.assertEqual(self._units(order), 24.0, "only the missing dozen is routed")
        self.assertFalse(self._receipts(order))
        self.assertEqual(line.qty_to_deliver, 2.0)

    def test_lowering_to_nothing_cancels_the_delivery(self):
        order = self._order_in_dozens(2)
        order.order_line.product_uom_qty = 0
        self.assertEqual(self._units(order), 0.0)
        self.assertFalse(self._receipts(order))
        self.assertEqual(order.oms_package_count, 0)
