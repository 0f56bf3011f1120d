from odoo.tests import tagged

from .common import OmsReturnCase


@tagged("post_install", "-at_install")
class TestExchange(OmsReturnCase):
    def test_exchange_sends_a_new_routed_order_instead_of_money(self):
        order = self._delivered_order()
        large = self._create_product("Shirt L", list_price=30.0, default_code="SHIRT-L")
        self._stock(large, self.dc, 5)
        items = self._items(order, {self.shirt: 1}, reason="wrong_size")
        items[0]["exchange_product"] = large
        ret = self.env["oms.return"]._oms_create_return(
            order, items, kind="store", store=self.mitte, resolution="exchange"
        )
        new = ret.exchange_order_id
        self.assertTrue(new)
        self.assertEqual(new.state, "sale")
        self.assertEqual(new.order_line.product_id, large)
        self.assertEqual(new.amount_total, 0.0)
        self.assertTrue(new.oms_decision_id, "the exchange order is routed")
        self.assertEqual(self._shipped(new), {("HAM", large): 1.0})
        self.assertFalse(ret.refund_request_ids)
        self.assertEqual(ret.state, "closed")
