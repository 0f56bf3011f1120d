# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer service changes quantities (in any unit of measure) and adds lines."""

from freezegun import freeze_time
from odoo import Command
from odoo.tests import tagged

from ..models.oms_order_change import OrderChangeRefused
from .change_common import OmsChangeCase
from .common import TUESDAY_MORNING


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestOrderChangeQuantity(OmsChangeCase):
    def _eggs(self, dozens):
        order = self._create_order([], oms_channel_id=self.channel.id)
        order.order_line = [
            Command.create(
                {
                    "product_id": self.egg.id,
                    "product_uom_qty": dozens,
                    "product_uom": self.dozen.id,
                    "price_unit": 3.60,
                }
            )
        ]
        order.action_confirm()
        return order

    def test_lower_a_line_in_dozens_by_units(self):
        order = self._eggs(3)
        line = order.order_line
        units = self.env.ref("uom.product_uom_unit")
        answer = order._oms_change_quantities([(line, 24, units)], key="q-1")
        self.assertEqual(line.product_uom_qty, 2.0)
        self.assertEqual(self._shipped(order), {("NORTH", self.egg): 24.0})
        self.assertFalse(order.picking_ids.filtered(lambda p: p.picking_type_code == "incoming"))
        [request] = order.oms_refund_request_ids
        self.assertEqual(
            (request.line_ids.quantity, request.line_ids.product_uom), (1.0, self.dozen)
        )
        self.assertIn("2 Dozens", answer["summary"])

    def test_raise_routes_the_extra_units_and_says_the_cost(self):
        order = self._eggs(1)
        line = order.order_line
        answer = order._oms_change_quantities([(line, 2)])
        self.assertEqual(self._shipped(order), {("NORTH", self.egg): 24.0})
        self.assertIn("owes", answer["summary"])
        self.assertFalse(order.oms_refund_request_ids)
        self.assertEqual(self._events("order.changed", order).payload["operation"], "quantities")

    def test_add_a_line(self):
        order = self._order([(self.shirt, 1)])
        answer = order._oms_add_lines([(self.cap, 2)])
        cap = self._line(order, self.cap)
        self.assertEqual(cap.product_uom_qty, 2.0)
        self.assertEqual(self._shipped(order).get(("DC", self.cap)), 2.0)
        self.assertIn("Added: 2 Units x", answer["summary"])
        self.assertEqual(order.oms_change_ids.operation, "add_lines")

    def test_refusals(self):
        order = self._eggs(1)
        line = order.order_line
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_change_quantities([(line, -2)])
        self.assertEqual(caught.exception.code, "invalid_quantity")
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_change_quantities([(line, 1)])
        self.assertEqual(caught.exception.code, "nothing_to_change")
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_change_quantities([(line, 1, self.env.ref("uom.product_uom_kgm"))])
        self.assertEqual(caught.exception.code, "invalid_quantity")
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_add_lines([(self.cap, 0)])
        self.assertEqual(caught.exception.code, "invalid_quantity")
        self.assertEqual(line.product_uom_qty, 1.0)
