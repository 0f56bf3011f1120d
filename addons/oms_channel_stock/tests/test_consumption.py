# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields

from .common import OmsChannelStockCase


class TestConsumption(OmsChannelStockCase):
    def test_owner_orders_use_up_a_fence_of_units(self):
        rule = self._fence(self.market, quantity=20)
        order = self._order(self.market, 15)
        self.assertEqual(self._shipped(order), {("FDC", self.lamp): 15.0})
        self.assertEqual(rule.consumed_qty, 15.0)
        # 85 free; the marketplace still holds 5 of its 20, not 20 on top of its 15 sold.
        self.assertEqual(self._seen(), {self.web: 80.0, self.market: 85.0, self.phone: 79.0})
        # Reading it again counts the same: nothing is added up twice.
        self.assertEqual(self._seen()[self.web], 80.0)

    def test_a_fence_used_up_holds_nothing(self):
        self._fence(self.market, quantity=20, sells_shared=False)
        self._order(self.market, 20)
        self.assertEqual(self._seen(), {self.web: 80.0, self.market: 0.0, self.phone: 79.0})

    def test_other_channels_orders_do_not_use_it_up(self):
        rule = self._fence(self.market, quantity=20)
        self._order(self.web, 10)
        self.assertEqual(rule.consumed_qty, 0.0)
        self.assertEqual(self._seen()[self.web], 70.0)

    def test_cancelled_order_gives_the_units_back_to_the_fence(self):
        rule = self._fence(self.market, quantity=20)
        order = self._order(self.market, 15)
        order._action_cancel()
        self.assertEqual(rule.consumed_qty, 0.0)
        self.assertEqual(self._seen()[self.web], 80.0)

    def test_orders_before_counting_started_do_not_count(self):
        rule = self._fence(self.market, quantity=20)
        self._order(self.market, 15)
        rule.date_start = fields.Datetime.now() + timedelta(minutes=1)
        self.assertEqual(rule.consumed_qty, 0.0)
        self.assertEqual(self._seen()[self.web], 65.0)

    def test_two_step_node_counts_the_owners_picks(self):
        self.dc.delivery_steps = "pick_ship"
        rule = self._fence(self.market, quantity=20)
        order = self._order(self.market, 15)
        picks = order.picking_ids.filtered(lambda p: p.picking_type_id == self.dc.pick_type_id)
        self.assertEqual(sum(picks.move_ids.mapped("product_uom_qty")), 15.0)
        self.assertEqual(rule.consumed_qty, 15.0)
        self.assertEqual(self._seen()[self.web], 80.0)
