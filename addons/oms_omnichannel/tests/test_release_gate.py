# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The release gate: an order something holds is routed and its goods reserved, but its
deliveries cannot leave, and its customer is not told it is confirmed, until it is
released."""

from unittest.mock import patch

from freezegun import freeze_time
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import TUESDAY_MORNING
from .customer_message_common import OmsCustomerMessageCase

HOLD = "It waits for the customer's payment."


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestReleaseGate(OmsCustomerMessageCase):
    def _holding(self, reasons):
        return patch.object(
            type(self.env["sale.order"]), "_oms_release_blocks", lambda order: list(reasons)
        )

    def test_a_held_order_is_routed_and_reserved_but_nothing_leaves(self):
        order = self._web_order([(self.shirt, 2), (self.cap, 1)])
        with self._holding([HOLD]):
            order.action_confirm()
            self.assertEqual(order.oms_hold_reason, HOLD)
        deliveries = self._deliveries(order)
        self.assertEqual(len(deliveries), 2, "routed as any order")
        self.assertEqual(set(deliveries.mapped("state")), {"assigned"}, "its goods reserved")
        self.assertEqual(deliveries.mapped("oms_released"), [False, False])
        self.assertEqual(set(deliveries.mapped("oms_hold_reason")), {HOLD})
        self.assertFalse(order.oms_customer_message_ids, "no confirmation before the checks")
        with self.assertRaisesRegex(UserError, "not released yet"):
            self._ship(deliveries[0])

    def test_released_when_nothing_holds_it_any_more(self):
        order = self._web_order([(self.shirt, 1)])
        with self._holding([HOLD]):
            order.action_confirm()
            self.assertFalse(order._oms_release("the payment arrived."), "still held")
            self.assertFalse(self._deliveries(order).oms_released)
        released = order._oms_release("the payment arrived.")
        self.assertEqual(released, order)
        delivery = self._deliveries(order)
        self.assertTrue(delivery.oms_released)
        self.assertFalse(delivery.oms_hold_reason)
        self.assertIn(
            "Released to the nodes: the payment arrived.",
            order.message_ids.mapped(lambda m: self._text(m.body)),
        )
        self.assertEqual(order.oms_customer_message_ids.event, "confirmed")
        self._ship(delivery)
        self.assertEqual(delivery.state, "done")

    def test_an_order_nothing_holds_is_released_at_once(self):
        order = self._web_order([(self.shirt, 1)])
        order.action_confirm()
        self.assertTrue(self._deliveries(order).oms_released)
        self.assertFalse(order.oms_hold_reason)
