"""The till's return of an online order in a real browser (static/tests/tours/)."""

from odoo.addons.oms_omnichannel_pos.tests.tour_common import OmsStorePosTourCase
from odoo.tests import tagged

from .common import OmsTillReturnMixin


@tagged("post_install", "-at_install")
class TestTourTillReturn(OmsTillReturnMixin, OmsStorePosTourCase):
    def test_store_return_of_an_online_order(self):
        order = self._shipped_web_order([(self.shirt, 2)])
        self.start_tour_in_pos("OmsTillReturnTour")
        ret = order.oms_return_ids
        self.assertEqual(ret.store_id, self.store_a)
        self.assertEqual(ret.line_ids.quantity, 1)
        self.assertEqual(ret.line_ids.reason, "wrong_size")
        self.assertTrue(ret.refund_done)
        self.assertFalse(ret.refund_request_ids, "paid out in cash: nothing asked of the shop")
        pos_line = self.env["pos.order.line"].search(
            [("product_id", "=", self.env.ref("oms_returns_pos.product_online_return").id)]
        )
        self.assertEqual(pos_line.order_id.state, "paid")
        self.assertAlmostEqual(pos_line.price_subtotal_incl, -20.0)
        self.assertIn(ret.name, pos_line.customer_note)
        # The order shows the return too.
        self.assertTrue(order.message_ids.filtered(lambda m: ret.name in (m.body or "")))
