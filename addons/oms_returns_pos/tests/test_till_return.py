from odoo.tests import tagged

from .common import OmsTillReturnCase


@tagged("post_install", "-at_install")
class TestTillReturn(OmsTillReturnCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._shipped_web_order([(cls.shirt, 2)])

    def _doors(self, user=None):
        return self.env["oms.return.pos"].with_user(user or self.staff_a)

    def test_the_cashier_finds_the_order_by_its_numbers_or_the_email(self):
        for query in (self.order.name, "#W-2001", "ANA@example.com"):
            found = self._doors().find_orders(self.till.id, query)
            self.assertTrue(found["ok"], found)
            [order] = found["orders"]
            self.assertEqual(order["id"], self.order.id)
            [line] = order["lines"]
            self.assertEqual(line["returnable"], 2)
            self.assertAlmostEqual(line["unit_refund"], self.order.order_line.price_reduce_taxinc)
        nothing = self._doors().find_orders(self.till.id, "S99999")
        self.assertFalse(nothing["ok"])
        self.assertIn("No delivered order", nothing["message"])

    def test_cash_return_is_received_here_and_paid_out_by_the_till(self):
        line = self.order.order_line
        answer = self._doors().complete(
            self.till.id,
            self.order.id,
            [{"line_id": line.id, "quantity": 1, "reason": "wrong_size", "condition": "as_new"}],
            "cash",
            key="till-1",
        )
        self.assertTrue(answer["ok"], answer)
        ret = self.order.oms_return_ids
        self.assertEqual(ret.kind, "store")
        self.assertEqual(ret.store_id, self.store_a)
        self.assertEqual(ret.source, "pos")
        self.assertIn("Till STA", ret.client)
        self.assertAlmostEqual(answer["paid_out"], line.price_reduce_taxinc)
        self.assertIn(ret.name, answer["note"])
        # Paid out by the till: no shop refund, no credit note beside the POS order.
        self.assertFalse(ret.refund_request_ids)
        self.assertFalse(ret.credit_note_id)
        self.assertTrue(ret.refund_done)
        self.assertEqual(line.qty_delivered, 1)
        # The same call again (a till that was offline): the same return.
        again = self._doors().complete(
            self.till.id,
            self.order.id,
            [{"line_id": line.id, "quantity": 1}],
            "cash",
            key="till-1",
        )
        self.assertEqual(again["return_name"], ret.name)
        self.assertEqual(len(self.order.oms_return_ids), 1)

    def test_to_the_original_payment_the_shop_refunds(self):
        line = self.order.order_line
        answer = self._doors().complete(
            self.till.id, self.order.id, [{"line_id": line.id, "quantity": 2}], "original"
        )
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(answer["paid_out"], 0.0)
        request = self.order.oms_return_ids.refund_request_ids
        self.assertAlmostEqual(request.amount_total, line.price_total)

    def test_more_than_delivered_is_refused_and_nothing_changes(self):
        line = self.order.order_line
        answer = self._doors().complete(
            self.till.id, self.order.id, [{"line_id": line.id, "quantity": 3}], "cash"
        )
        self.assertFalse(answer["ok"])
        self.assertIn("may still come back", answer["message"])
        self.assertFalse(self.order.oms_return_ids)
