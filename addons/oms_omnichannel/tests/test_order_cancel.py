# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer service cancels an order, or part of it, while it has not left."""

from freezegun import freeze_time
from odoo.tests import tagged

from ..models.sale_order_change import OrderChangeRefused
from .change_common import OmsChangeCase
from .common import TUESDAY_MORNING


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestOrderCancel(OmsChangeCase):
    def test_cancel_the_whole_order_releases_stock_and_refunds(self):
        order = self._order([(self.shirt, 1), (self.cap, 2)])
        self.assertEqual(self._reserved(self.cap, self.dc), 2.0)
        answer = order._oms_cancel_order(reason="Customer changed their mind", key="c-1")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(answer["status"], "done")
        self.assertEqual(answer["order_state"], "cancel")
        self.assertEqual(self._reserved(self.cap, self.dc), 0.0, "stock released")
        self.assertEqual(set(order.picking_ids.mapped("state")), {"cancel"})
        [request] = order.oms_refund_request_ids
        self.assertEqual(request.amount_total, order.amount_total)
        self.assertEqual(answer["refund"]["amount"], f"{order.amount_total:.2f}")
        self.assertEqual(len(self._events("refund.requested", order)), 1)
        self.assertEqual(len(self._events("order.cancelled", order)), 1)
        [change] = order.oms_change_ids
        self.assertEqual((change.operation, change.key), ("cancel", "c-1"))
        [told] = order.oms_customer_message_ids.filtered(lambda m: m.event == "cancelled")
        self.assertEqual(told.values["reason"], "Customer changed their mind")
        self.assertAlmostEqual(float(told.values["amount"]), order.amount_total, places=2)

    def test_the_same_key_answers_again_and_changes_nothing(self):
        order = self._order([(self.cap, 3)])
        line = self._line(order, self.cap)
        first = order._oms_cancel_lines([(line, 1)], key="c-2")
        again = order._oms_cancel_lines([(line, 1)], key="c-2")
        self.assertEqual(line.product_uom_qty, 2.0, "cancelled once")
        self.assertTrue(again.pop("replayed"))
        self.assertEqual(again, first)
        self.assertEqual(len(order.oms_refund_request_ids), 1)
        with self.assertRaisesRegex(OrderChangeRefused, "already used"):
            order._oms_cancel_order(key="c-2")

    def test_partial_cancel_shrinks_the_deliveries_at_each_source(self):
        # 4 shirts: 2 from the DC, 2 more from NORTH (the DC has only 2).
        order = self._order([(self.shirt, 7)])
        self.assertEqual(
            self._shipped(order), {("DC", self.shirt): 2.0, ("NORTH", self.shirt): 5.0}
        )
        line = self._line(order, self.shirt)
        answer = order._oms_cancel_lines([(line, 6)], reason="Too many", key="c-3")
        self.assertEqual(line.product_uom_qty, 1.0)
        self.assertEqual(sum(self._shipped(order).values()), 1.0)
        self.assertFalse(order.picking_ids.filtered(lambda p: p.picking_type_code == "incoming"))
        [request] = order.oms_refund_request_ids
        self.assertEqual(request.line_ids.quantity, 6.0)
        self.assertEqual(request.line_ids.restock_type, "cancel")
        self.assertIn("6 Units x [CS-SHIRT] Shirt", answer["summary"])
        self.assertEqual(order.state, "sale")
        told = order.oms_customer_message_ids.filtered(lambda m: m.event != "confirmed")
        self.assertEqual((told.event, told.key), ("partially_cancelled", "c-3"))
        self.assertEqual(told.values["items"], "6 \N{MULTIPLICATION SIGN} Shirt")

    def test_cancel_in_another_unit_of_measure(self):
        order = self._create_order([], oms_channel_id=self.channel.id)
        order.order_line = [
            (0, 0, {"product_id": self.egg.id, "product_uom_qty": 3, "product_uom": self.dozen.id})
        ]
        order.action_confirm()
        line = order.order_line
        units = self.env.ref("uom.product_uom_unit")
        order._oms_cancel_lines([(line, 12, units)])
        self.assertEqual(line.product_uom_qty, 2.0, "12 units = 1 dozen")
        self.assertEqual(self._shipped(order), {("NORTH", self.egg): 24.0})
        self.assertEqual(order.oms_refund_request_ids.line_ids.quantity, 1.0)

    def test_cancelling_everything_left_cancels_the_order(self):
        order = self._order([(self.cap, 2)])
        order._oms_cancel_lines([(self._line(order, self.cap), 2)])
        self.assertEqual(order.state, "cancel")

    def test_what_has_left_is_a_return(self):
        order = self._order([(self.cap, 2), (self.shirt, 1)])
        self._ship(self._deliveries(order).filtered(lambda p: self.cap in p.move_ids.product_id))
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_cancel_lines([(self._line(order, self.cap), 1)])
        self.assertEqual(caught.exception.code, "already_shipped")
        self.assertIn("return", str(caught.exception))
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_cancel_order()
        self.assertEqual(caught.exception.code, "already_shipped")
        self.assertFalse(order.oms_refund_request_ids, "nothing asked of the shop")

    def test_what_a_node_is_preparing_cannot_change(self):
        order = self._order([(self.shirt, 7)])
        north = self._deliveries(order).filtered(
            lambda p: p.picking_type_id.warehouse_id == self.north
        )
        self._pick(north)
        line = self._line(order, self.shirt)
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_cancel_lines([(line, 3)])
        self.assertEqual(caught.exception.code, "being_prepared")
        self.assertIn(north.name, str(caught.exception))
        self.assertIn("only 2 Units can still be cancelled", str(caught.exception))
        # The DC's two can go: they come off the DC's delivery, not the one being picked.
        order._oms_cancel_lines([(line, 2)])
        self.assertEqual(self._shipped(order), {("NORTH", self.shirt): 5.0})
        self.assertEqual(sum(north.move_ids.mapped("product_uom_qty")), 5.0)
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_cancel_order()
        self.assertEqual(caught.exception.code, "being_prepared")

    def test_bad_quantities_are_refused(self):
        order = self._order([(self.cap, 2)])
        line = self._line(order, self.cap)
        for quantity in (-1, 0):
            with self.assertRaises(OrderChangeRefused) as caught:
                order._oms_cancel_lines([(line, quantity)])
            self.assertEqual(caught.exception.code, "invalid_quantity")
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_cancel_lines([(line, 0.5)])
        self.assertIn("whole", str(caught.exception))
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_cancel_lines([(line, 1, self.dozen)])
        self.assertEqual(caught.exception.code, "invalid_quantity")
        other = self._order([(self.cap, 1)])
        with self.assertRaises(OrderChangeRefused) as caught:
            order._oms_cancel_lines([(other.order_line, 1)])
        self.assertEqual(caught.exception.code, "unknown_line")
        self.assertEqual(line.product_uom_qty, 2.0)
        self.assertFalse(order.oms_change_ids)
