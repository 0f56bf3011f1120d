from odoo.tests import tagged

from .common import OmsReturnCase


@tagged("post_install", "-at_install")
class TestStoreReturn(OmsReturnCase):
    def test_returned_where_it_sells_stays_and_is_paid_in_cash(self):
        order = self._delivered_order()
        ret = self._return(
            order, {self.shirt: 1}, kind="store", store=self.mitte, refund_method="cash"
        )
        line = ret.line_ids
        self.assertEqual(line.action, "stay")
        self.assertEqual(line.warehouse_id, self.mitte)
        # Received at the till and back on the store's shelf at once.
        self.assertTrue(all(p.state == "done" for p in ret.picking_ids))
        quants = self.env["stock.quant"]._gather(self.shirt, self.mitte.lot_stock_id)
        self.assertEqual(sum(quants.mapped("quantity")), 3)
        self.assertEqual(order.order_line.qty_delivered, 1)
        # Cash at the till: nothing is asked of the shop.
        self.assertFalse(ret.refund_request_ids)
        self.assertAlmostEqual(ret.refund_amount, 25.0)
        self.assertEqual(ret.state, "closed")
        self.assertIn("stays in MITTE", ret.decision_ids.explanation)

    def test_returned_where_it_does_not_sell_is_sent_on(self):
        order = self._delivered_order()
        ret = self._return(order, {self.shirt: 1}, kind="store", store=self.nord)
        line = ret.line_ids
        self.assertEqual(line.action, "transfer")
        self.assertEqual(line.warehouse_id, self.mitte)
        transfer = ret.picking_ids.filtered(lambda p: p.state != "done")
        self.assertEqual(transfer.location_id, self.nord._oms_returns_location())
        self.assertEqual(transfer.location_dest_id, self.mitte.lot_stock_id)
        self.assertEqual(transfer.picking_type_id, self.nord.int_type_id)
        # To the original payment: the shop refunds what was paid.
        self.assertAlmostEqual(ret.refund_request_ids.amount_total, 25.0)
        self.assertEqual(ret.state, "refunded")
        self._validate(transfer)
        self.assertEqual(ret.state, "closed")

    def test_defective_at_the_till_goes_to_triage(self):
        order = self._delivered_order()
        ret = self._return(
            order,
            {self.shirt: 1},
            kind="store",
            store=self.nord,
            reason="defective",
            condition="defective",
        )
        self.assertEqual(ret.line_ids.action, "triage")
        self.assertEqual(ret.line_ids.warehouse_id, self.dc)
        # Paid back at the till, inspected at the triage node later.
        self.assertTrue(ret.refund_done)
        self.assertEqual(ret.state, "received")
