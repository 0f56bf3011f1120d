from odoo.tests import tagged

from .common import OmsReturnCase


@tagged("post_install", "-at_install")
class TestReturnFees(OmsReturnCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company, install_demo=False
        )

    def _inspected(self, order, reason):
        ret = self._return(order, {self.shirt: 2}, reason=reason)
        self._validate(ret.picking_ids)
        ret.line_ids.grade = "as_new"
        ret.action_inspect()
        return ret

    def test_restocking_and_label_fees_come_off_refund_and_credit_note(self):
        self.channel.write(
            {
                "return_restocking_fee_percent": 10.0,
                "return_label_payer": "customer",
                "return_label_fee": 4.0,
            }
        )
        order = self._delivered_order()
        order._create_invoices().action_post()
        ret = self._inspected(order, "changed_mind")
        request = ret.refund_request_ids
        # What was paid (taxes included), less 10% restocking and the label (4.00).
        paid = order.order_line.price_total
        self.assertGreater(paid, 50.0, "the order carries taxes")
        expected = round(paid - paid * 0.10 - 4.0, 2)
        self.assertAlmostEqual(request.amount_total, expected)
        self.assertAlmostEqual(ret.fee_amount, round(paid * 0.10 + 4.0, 2))
        self.assertAlmostEqual(ret.refund_amount, expected)
        credit_note = ret.credit_note_id
        self.assertEqual(credit_note, request.credit_note_id)
        self.assertAlmostEqual(credit_note.amount_total, expected)

    def test_no_fee_when_the_goods_were_faulty(self):
        self.channel.write(
            {
                "return_restocking_fee_percent": 10.0,
                "return_label_payer": "customer",
                "return_label_fee": 4.0,
            }
        )
        order = self._delivered_order()
        ret = self._inspected(order, "wrong_item")
        self.assertAlmostEqual(ret.refund_request_ids.amount_total, order.order_line.price_total)
        self.assertFalse(ret.fee_amount)
