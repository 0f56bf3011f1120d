# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import ValidationError

from .common import OmsChannelStockCase


class TestRuleInput(OmsChannelStockCase):
    def assertRefused(self, message, **vals):
        channel = vals.pop("channel", self.market)
        before = self.Rule.search([])
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            self._fence(channel, **vals)
        self.assertIn(message, str(caught.exception))
        self.assertEqual(self.Rule.search([]), before, "nothing is saved")

    def test_negative_quantity(self):
        self.assertRefused("cannot hold a negative number of units (-5)", quantity=-5)

    def test_part_of_a_unit(self):
        self.assertRefused("2.5 is not a whole number", quantity=2.5)

    def test_share_above_100(self):
        self.assertRefused("between 0 and 100%, not 120%", percent=120)
        self.assertRefused("between 0 and 100%, not -1%", percent=-1)

    def test_shares_adding_up_above_100(self):
        self._fence(self.web, percent=60)
        self.assertRefused("would add up to 110%", percent=50)
        # A fence handed back no longer counts.
        self.Rule.search([("channel_id", "=", self.web.id)]).action_release()
        self.assertTrue(self._fence(self.market, percent=50))

    def test_product_or_category_not_both_nor_none(self):
        self.assertRefused(
            "choose one of them, not both",
            categ_id=self.lamps.id,
            product_id=self.lamp.id,
            percent=10,
        )
        self.assertRefused("choose one of them", categ_id=False, product_id=False, percent=10)

    def test_one_fence_per_channel_product_and_node(self):
        self._fence(self.market, percent=10)
        self.assertRefused("already has a fence on", quantity=5)

    def test_channel_must_sell_from_the_node(self):
        self.market.warehouse_ids = [Command.set(self.store.ids)]
        self.assertRefused("does not sell from FDC", percent=10)

    def test_editing_into_bad_input_is_refused_too(self):
        rule = self._fence(self.market, quantity=10)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            rule.quantity = -1
        self.assertEqual(rule.quantity, 10)
