# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A supplier ships a delivery with carrier and tracking number, all of it or part: the shop
hears of it through the outbox, the customer by e-mail, the rest stays to ship."""

from odoo.exceptions import UserError

from .common import OmsDropshipCase


class TestShip(OmsDropshipCase):
    def _accepted(self, lines):
        order = self._web_order(lines)
        delivery = self._dropship(order)
        self.as_supplier(delivery, self.user_a)._oms_accept()
        return order, delivery

    def _shipped_events(self, picking):
        return self._events("shipment.shipped", picking)

    def test_ship_everything(self):
        order, delivery = self._accepted([(self.lamp, 2)])
        picking = delivery.picking_id
        rest = self.as_supplier(delivery, self.user_a)._oms_ship(self.parcel, "1Z999AA10123456784")
        self.assertFalse(rest)
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.carrier_tracking_ref, "1Z999AA10123456784")
        self.assertEqual(delivery.state, "shipped")
        self.assertFalse(delivery.ship_late)
        event = self._shipped_events(picking)
        self.assertEqual(len(event), 1)
        self.assertEqual(event.payload["tracking_number"], "1Z999AA10123456784")
        self.assertEqual(event.payload["lines"][0]["quantity"], 2.0)
        message = order.sudo().oms_customer_message_ids.filtered(lambda m: m.event == "shipped")
        self.assertEqual(len(message), 1)
        self.assertEqual(message.picking_ids, picking)
        self.assertEqual(order.delivery_status, "full")

    def test_ship_part_backorders_the_rest_for_the_supplier(self):
        order, delivery = self._accepted([(self.lamp, 3), (self.chair, 1)])
        picking = delivery.picking_id
        moves = {move.product_id: move for move in picking.move_ids}
        rest = self.as_supplier(delivery, self.user_a)._oms_ship(
            self.parcel, "PART-1", {moves[self.lamp].id: 2.0, moves[self.chair].id: 0.0}
        )
        self.assertEqual(picking.state, "done")
        self.assertEqual(
            {m.product_id: m.quantity for m in picking.move_ids if m.state == "done"},
            {self.lamp: 2.0},
        )
        self.assertEqual(self._to_ship(order), {("DSA", self.lamp): 1.0, ("DSA", self.chair): 1.0})
        self.assertEqual(delivery.state, "shipped")
        self.assertEqual(len(rest), 1)
        self.assertEqual(rest.state, "accepted")
        self.assertEqual(rest.picking_id.backorder_id, picking)
        self.assertEqual(rest.ship_deadline, delivery.ship_deadline)
        event = self._shipped_events(picking)
        self.assertEqual([line["quantity"] for line in event.payload["lines"]], [2.0])
        # The rest ships later, as a parcel of its own.
        self.as_supplier(rest, self.user_a)._oms_ship(self.parcel, "PART-2")
        self.assertEqual(rest.state, "shipped")
        self.assertEqual(self._to_ship(order), {})
        self.assertEqual(order.delivery_status, "full")
        self.assertEqual(len(self._shipped_events(rest.picking_id)), 1)

    def test_ship_needs_carrier_and_tracking(self):
        _order, delivery = self._accepted([(self.lamp, 1)])
        supplier = self.as_supplier(delivery, self.user_a)
        with self.assertRaisesRegex(UserError, "tracking number"):
            supplier._oms_ship(self.parcel, "  ")
        with self.assertRaisesRegex(UserError, "carrier"):
            supplier._oms_ship(self.env["delivery.carrier"], "T1")
        with self.assertRaisesRegex(UserError, "one word"):
            supplier._oms_ship(self.parcel, "T 1")
        self.assertEqual(delivery.picking_id.state, "assigned")

    def test_ship_refuses_wrong_quantities(self):
        _order, delivery = self._accepted([(self.lamp, 2)])
        supplier = self.as_supplier(delivery, self.user_a)
        move = delivery.picking_id.move_ids
        with self.assertRaisesRegex(UserError, "you cannot ship more"):
            supplier._oms_ship(self.parcel, "T1", {move.id: 3.0})
        with self.assertRaisesRegex(UserError, "0 or more"):
            supplier._oms_ship(self.parcel, "T1", {move.id: -1.0})
        with self.assertRaisesRegex(UserError, "0 or more"):
            supplier._oms_ship(self.parcel, "T1", {move.id: float("nan")})
        with self.assertRaisesRegex(UserError, "Nothing to ship"):
            supplier._oms_ship(self.parcel, "T1", {move.id: 0.0})
        other = self._web_order([(self.chair, 1)]).picking_ids.move_ids
        with self.assertRaisesRegex(UserError, "not on delivery"):
            supplier._oms_ship(self.parcel, "T1", {other.id: 1.0})
        self.assertEqual(delivery.state, "accepted")

    def test_ship_before_accepting_is_refused(self):
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        with self.assertRaisesRegex(UserError, 'its status is "Waiting for your answer"'):
            self.as_supplier(delivery, self.user_a)._oms_ship(self.parcel, "T1")

    def test_back_office_validation_closes_the_supplier_delivery(self):
        _order, delivery = self._accepted([(self.lamp, 1)])
        picking = delivery.picking_id
        picking.move_ids.write({"quantity": 1.0, "picked": True})
        picking.button_validate()
        self.assertEqual(delivery.state, "shipped")

    def test_cancelled_order_leaves_the_supplier_list(self):
        order, delivery = self._accepted([(self.lamp, 1)])
        order.with_context(disable_cancel_warning=True)._action_cancel()
        self.assertEqual(delivery.state, "cancelled")
