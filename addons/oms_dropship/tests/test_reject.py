# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A supplier turns a delivery down: the order is routed again without them."""

from odoo.exceptions import UserError

from .common import OmsDropshipCase


class TestReject(OmsDropshipCase):
    def test_reject_reroutes_without_the_supplier(self):
        order = self._web_order([(self.lamp, 2)])
        delivery = self._dropship(order)
        self.as_supplier(delivery, self.user_a)._oms_reject("Out of stock until March")
        self.assertEqual(delivery.state, "rejected")
        self.assertEqual(delivery.reject_reason, "Out of stock until March")
        self.assertEqual(delivery.picking_id.state, "cancel")
        self.assertEqual(self._to_ship(order), {("DSB", self.lamp): 2.0})
        self.assertEqual(order.oms_decision_id.trigger, "dropship_rejected")
        self.assertIn("Out of stock until March", order.oms_decision_id.explanation_html)
        # The next supplier has it on their list now.
        self.assertEqual(self._dropship(order).warehouse_id, self.supplier_b)
        self.assertEqual(len(self._signals(self.supplier_a, "reject")), 1)

    def test_customer_is_told_when_the_new_plan_arrives_later(self):
        (self.supplier_b | self.dc).oms_handling_days = 3
        order = self._web_order([(self.lamp, 1)])
        promised = order.oms_promised_date
        self.as_supplier(self._dropship(order), self.user_a)._oms_reject("No stock")
        self.assertGreater(order.oms_promised_date, promised)
        told = order.sudo().oms_customer_message_ids.filtered(lambda m: m.event == "delayed")
        self.assertEqual(len(told), 1)

    def test_customer_is_not_told_when_the_date_holds(self):
        order = self._web_order([(self.lamp, 1)])
        promised = order.oms_promised_date
        self.as_supplier(self._dropship(order), self.user_a)._oms_reject("No stock")
        self.assertEqual(order.oms_promised_date, promised)
        told = order.sudo().oms_customer_message_ids.mapped("event")
        self.assertNotIn("delayed", told)

    def test_second_reject_leaves_out_both_suppliers(self):
        order = self._web_order([(self.lamp, 1)])
        self.as_supplier(self._dropship(order), self.user_a)._oms_reject("No stock")
        self.as_supplier(self._dropship(order), self.user_b)._oms_reject("Discontinued")
        self.assertEqual(self._to_ship(order), {("DCX", self.lamp): 1.0})
        self.assertFalse(self._dropship(order))

    def test_accepted_delivery_may_still_be_turned_down(self):
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        self.as_supplier(delivery, self.user_a)._oms_accept()
        self.as_supplier(delivery, self.user_a)._oms_reject("Damaged in our warehouse")
        self.assertEqual(self._to_ship(order), {("DSB", self.lamp): 1.0})

    def test_reject_needs_a_reason(self):
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        with self.assertRaisesRegex(UserError, "Say why"):
            self.as_supplier(delivery, self.user_a)._oms_reject("   ")
        with self.assertRaisesRegex(UserError, "under 1,000 characters"):
            self.as_supplier(delivery, self.user_a)._oms_reject("x" * 1001)
        self.assertEqual(delivery.state, "new")
        self.assertEqual(self._to_ship(order), {("DSA", self.lamp): 1.0})

    def test_shipped_delivery_cannot_be_turned_down(self):
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        supplier = self.as_supplier(delivery, self.user_a)
        supplier._oms_accept()
        supplier._oms_ship(self.parcel, "TRACK1")
        with self.assertRaisesRegex(UserError, 'its status is "Shipped"'):
            supplier._oms_reject("Too late")
