from odoo.tests import tagged

from .common import OmsReturnCase


@tagged("post_install", "-at_install")
class TestReturnWebhooks(OmsReturnCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._delivered_order(oms_external_id="5001")
        cls.order.order_line.oms_external_line_id = "li-1"
        cls.intake = cls.env["oms.intake"].sudo()

    def _shop_return(self, return_id="ret-1", quantity=1):
        return {
            "channel": self.channel.code,
            "external_id": "5001",
            "return_id": return_id,
            "note": "Too small",
            "lines": [{"external_id": "li-1", "quantity": quantity, "reason": "wrong_size"}],
        }

    def test_a_shop_return_is_routed_once_however_often_it_arrives(self):
        [first] = self.intake.apply_returns([self._shop_return()])
        self.assertEqual(first["status"], "created", first)
        ret = self.env["oms.return"].browse(first["record_id"])
        self.assertEqual(ret.source, "shop")
        self.assertEqual(ret.line_ids.reason, "wrong_size")
        self.assertEqual(ret.line_ids.warehouse_id, self.mitte)
        [again] = self.intake.apply_returns([self._shop_return()])
        self.assertEqual(again["status"], "unchanged")
        self.assertEqual(again["record_id"], ret.id)
        self.assertEqual(len(self.order.oms_return_ids), 1)
        self.assertEqual(len(self._events("label.requested")), 1)

    def test_a_return_the_oms_refuses_answers_its_reason_and_changes_nothing(self):
        [result] = self.intake.apply_returns([self._shop_return(quantity=5)])
        self.assertEqual(result["status"], "error")
        self.assertEqual(result["error"]["code"], "refused")
        self.assertEqual(result["error"]["reason"], "too_many")
        self.assertFalse(self.order.oms_return_ids)
        [unknown] = self.intake.apply_returns([dict(self._shop_return(), external_id="404")])
        self.assertEqual(unknown["error"]["code"], "unknown_order")

    def test_a_shop_refund_of_returned_goods_opens_the_return_once(self):
        refund = {
            "channel": self.channel.code,
            "external_id": "5001",
            "refund_id": "rf-9",
            "amount": "25.00",
            "lines": [
                {"external_id": "li-1", "quantity": 1, "amount": "25.00", "restock_type": "return"}
            ],
        }
        [result] = self.intake.apply_refunds([refund])
        self.assertEqual(result["status"], "created", result)
        ret = self.order.oms_return_ids
        self.assertEqual(len(ret), 1)
        self.assertTrue(ret.refund_done, "the shop paid already")
        self.assertAlmostEqual(ret.refund_amount, 25.0)
        self.assertTrue(ret.picking_ids, "the goods are still expected")
        [expected] = self.order.activity_ids.filtered(lambda a: "Return expected" in a.summary)
        self.assertIn(ret.name, expected.note)
        [again] = self.intake.apply_refunds([refund])
        self.assertEqual(again["status"], "unchanged")
        self.assertEqual(len(self.order.oms_return_ids), 1)
        # Received and inspected: no second refund.
        self._validate(ret.picking_ids)
        ret.line_ids.grade = "as_new"
        ret.action_inspect()
        self.assertEqual(ret.state, "refunded")
        self.assertFalse(ret.refund_request_ids)
