# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A delivery routed to a drop-ship node is offered to its supplier, who accepts it."""

from datetime import timedelta

from freezegun import freeze_time
from odoo import fields
from odoo.exceptions import UserError

from .common import OmsDropshipCase

NOW = "2026-12-01 09:00:00"


@freeze_time(NOW)
class TestAccept(OmsDropshipCase):
    def test_routed_delivery_is_offered_with_its_times(self):
        order = self._web_order([(self.lamp, 2)])
        delivery = self._dropship(order)
        self.assertEqual(len(delivery), 1)
        self.assertEqual(delivery.warehouse_id, self.supplier_a)
        self.assertEqual(delivery.state, "new")
        now = fields.Datetime.now()
        self.assertEqual(delivery.accept_deadline, now + timedelta(hours=24))
        self.assertEqual(delivery.ship_deadline, now + timedelta(hours=72))
        self.assertEqual(delivery.ship_name, "Ana")
        self.assertEqual(delivery.ship_phone, "+49 30 1234 5678")
        self.assertEqual(delivery.lines_summary, "2 x [LAMP-1] Floor Lamp")

    def test_deliveries_of_other_nodes_are_not_offered(self):
        self.supplier_a.oms_routing_enabled = False
        self.supplier_b.oms_routing_enabled = False
        order = self._web_order([(self.lamp, 1)])
        self.assertEqual(self._to_ship(order), {("DCX", self.lamp): 1.0})
        self.assertFalse(order.picking_ids.oms_dropship_delivery_ids)

    def test_accept(self):
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        with freeze_time("2026-12-01 10:30:00"):
            self.as_supplier(delivery, self.user_a)._oms_accept()
        self.assertEqual(delivery.state, "accepted")
        self.assertEqual(delivery.accepted_by_id, self.user_a)
        self.assertFalse(delivery.is_late)
        accept = self._signals(self.supplier_a, "accept")
        self.assertEqual(accept.value, 90.0)
        self.assertEqual(accept.res_id, delivery.picking_id.id)
        self.assertFalse(self._signals(self.supplier_a, "accept_late"))
        self.assertIn("accepted the delivery", delivery.picking_id.message_ids[0].body)

    def test_accept_late_is_flagged_and_signalled(self):
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        with freeze_time("2026-12-02 11:00:00"):
            self.as_supplier(delivery, self.user_a)._oms_accept()
        self.assertTrue(delivery.accept_late)
        self.assertTrue(delivery.picking_id.oms_dropship_late)
        self.assertEqual(self._signals(self.supplier_a, "accept_late").value, 120.0)

    def test_accept_twice_is_refused(self):
        order = self._web_order([(self.lamp, 1)])
        delivery = self._dropship(order)
        self.as_supplier(delivery, self.user_a)._oms_accept()
        with self.assertRaisesRegex(UserError, 'its status is "To ship"'):
            self.as_supplier(delivery, self.user_a)._oms_accept()
