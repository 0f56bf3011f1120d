from datetime import timedelta

from freezegun import freeze_time
from odoo import Command
from odoo.addons.oms_returns.models.oms_return import ReturnRefused
from odoo.tests import tagged

from .common import OmsReturnCase


@tagged("post_install", "-at_install")
class TestRefusals(OmsReturnCase):
    def assertRefused(self, code, order, quantities, **kwargs):
        returns = self.env["oms.return"].search_count([])
        requests = self.env["oms.refund.request"].search_count([])
        with self.assertRaises(ReturnRefused) as caught:
            self._return(order, quantities, **kwargs)
        self.assertEqual(caught.exception.code, code)
        self.assertEqual(self.env["oms.return"].search_count([]), returns)
        self.assertEqual(self.env["oms.refund.request"].search_count([]), requests)
        return caught.exception

    def test_more_than_delivered(self):
        order = self._delivered_order()
        refusal = self.assertRefused("too_many", order, {self.shirt: 3})
        self.assertIn("2 Units delivered", refusal.args[0])

    def test_a_line_already_returned(self):
        order = self._delivered_order()
        self._return(order, {self.shirt: 2})
        self.assertRefused("too_many", order, {self.shirt: 1})

    def test_an_order_that_never_shipped(self):
        order = self._create_order([(self.shirt, 1)], oms_channel_id=self.channel.id)
        order.action_confirm()
        self.assertRefused("not_delivered", order, {self.shirt: 1})

    def test_an_order_of_another_company(self):
        order = self._delivered_order()
        other = self.env["res.company"].create({"name": "Other Retail"})
        self.env.user.company_ids = [Command.link(other.id)]
        stranger = self.env["oms.return"].with_context(allowed_company_ids=[other.id])
        with self.assertRaises(ReturnRefused) as caught:
            stranger._oms_create_return(order, self._items(order))
        self.assertEqual(caught.exception.code, "other_company")
        self.assertFalse(order.oms_return_ids)

    def test_a_line_of_another_order(self):
        order = self._delivered_order()
        other = self._delivered_order()
        items = self._items(other)
        with self.assertRaises(ReturnRefused) as caught:
            self.env["oms.return"]._oms_create_return(order, items)
        self.assertEqual(caught.exception.code, "unknown_line")

    def test_outside_the_window_refused_with_the_reason(self):
        order = self._delivered_order()
        with freeze_time(order.order_line._oms_delivered_on() + timedelta(days=40)):
            refusal = self.assertRefused("outside_rules", order, {self.shirt: 1})
        self.assertIn("30 days", refusal.args[0])

    def test_a_product_that_cannot_be_returned(self):
        self.socks.oms_returnable = False
        order = self._delivered_order([(self.socks, 1, 8.0)])
        refusal = self.assertRefused("outside_rules", order, {self.socks: 1})
        self.assertIn("cannot be returned", refusal.args[0])

    def test_outside_the_window_sent_to_a_person(self):
        self.channel.return_outside_rules = "review"
        order = self._delivered_order()
        with freeze_time(order.order_line._oms_delivered_on() + timedelta(days=40)):
            ret = self._return(order, {self.shirt: 1})
        self.assertEqual(ret.state, "review")
        self.assertFalse(ret.picking_ids)
        self.assertTrue(ret.activity_ids)
        ret.action_approve()
        self.assertEqual(ret.state, "requested")
        self.assertEqual(ret.line_ids.warehouse_id, self.mitte)
