from odoo.tests import tagged

from .common import OmsReturnCase


@tagged("post_install", "-at_install")
class TestMailReturn(OmsReturnCase):
    def test_routed_to_where_it_sells_then_received_inspected_refunded(self):
        order = self._delivered_order()
        line = order.order_line.filtered(lambda line: line.product_id == self.shirt)
        self.assertEqual(line.qty_delivered, 2)
        ret = self._return(order, {self.shirt: 2})
        self.assertEqual(ret.state, "requested")
        # Store Mitte sells a shirt a day and holds 2: the DC holds a hundred.
        self.assertEqual(ret.line_ids.action, "send")
        self.assertEqual(ret.line_ids.warehouse_id, self.mitte)
        receipt = ret.picking_ids
        self.assertEqual(len(receipt), 1)
        self.assertEqual(receipt.picking_type_id, self.mitte.in_type_id)
        self.assertEqual(receipt.location_dest_id, self.mitte._oms_returns_location())
        # Explained like a routing decision: a record, in words, in both chatters.
        decision = ret.decision_ids
        self.assertEqual(decision.kind, "mail")
        self.assertIn("MITTE", decision.explanation)
        self.assertIn(self.company.currency_id.symbol, decision.explanation)
        self.assertNotIn("to_node", decision.explanation)
        self.assertIn("would have recovered", decision.explanation)
        self.assertTrue(
            order.message_ids.filtered(lambda m: "Mailed return routed" in (m.body or ""))
        )
        # A label is asked of the sync service, once.
        label = ret.label_ids
        self.assertEqual(label.picking_id, receipt)
        self.assertEqual(label.to_partner_id, self.mitte.partner_id)
        events = self._events("label.requested")
        self.assertEqual([event.payload["key"] for event in events], [label.key])
        self.assertEqual(events.payload["to_address"]["zip"], "10117")
        # The parcel arrives: the order's delivered quantity goes down.
        self._validate(receipt)
        self.assertEqual(ret.state, "received")
        self.assertEqual(line.qty_delivered, 0)
        self.assertFalse(ret.refund_request_ids)
        self.assertEqual(self._told(order), ["return_received"])
        # Inspected as new: back on the shelf, and the money goes back through the shop.
        ret.line_ids.grade = "as_new"
        ret.action_inspect()
        self.assertEqual(ret.line_ids.disposition, "resell")
        putaway = ret.picking_ids - receipt
        self.assertEqual(putaway.location_dest_id, self.mitte.lot_stock_id)
        self.assertEqual(ret.state, "refunded")
        request = ret.refund_request_ids
        self.assertEqual(request.line_ids.restock_type, "return")
        self.assertAlmostEqual(request.amount_total, 50.0)  # what was paid, not the list price
        self.assertEqual(self._events("refund.requested").res_id, request.id)
        self.assertEqual(self._told(order), ["return_received", "refunded"])
        self._validate(putaway)
        self.assertEqual(ret.state, "closed")

    def _told(self, order):
        messages = self.env["oms.customer.message"].search(
            [("order_id", "=", order.id), ("event", "in", ("return_received", "refunded"))],
            order="id",
        )
        return messages.mapped("event")

    def test_nothing_changes_when_asked_again_with_the_same_key(self):
        order = self._delivered_order()
        first = self._return(order, {self.shirt: 1}, key="rma-1")
        again = self._return(order, {self.shirt: 1}, key="rma-1")
        self.assertEqual(first, again)
        self.assertEqual(len(order.oms_return_ids), 1)
        self.assertEqual(len(first.picking_ids), 1)
        self.assertEqual(len(self._events("label.requested")), 1)
