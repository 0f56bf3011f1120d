from odoo.tests import tagged

from .common import OmsReturnCase


@tagged("post_install", "-at_install")
class TestKeepIt(OmsReturnCase):
    def test_socks_not_worth_the_postage_are_refunded_without_return(self):
        order = self._delivered_order([(self.socks, 1, 8.0)])
        ret = self._return(order, {self.socks: 1})
        self.assertEqual(ret.line_ids.action, "keep")
        self.assertFalse(ret.picking_ids)
        self.assertFalse(ret.label_ids)
        request = ret.refund_request_ids
        self.assertEqual(request.line_ids.restock_type, "no_restock")
        self.assertAlmostEqual(request.amount_total, 8.0)
        self.assertTrue(ret.refund_done)
        self.assertEqual(ret.state, "closed")
        self.assertIn("keeps", ret.decision_ids.explanation)
        # Kept units stay delivered but cannot come back a second time.
        self.assertEqual(order.order_line._oms_returnable_quantity(), 0)

    def test_items_above_the_channel_limit_always_come_back(self):
        self.channel.return_keep_it_max_value = 5.0
        order = self._delivered_order([(self.socks, 1, 8.0)])
        ret = self._return(order, {self.socks: 1})
        self.assertEqual(ret.line_ids.action, "send")
        self.assertTrue(ret.picking_ids)
        self.assertFalse(ret.refund_request_ids)
