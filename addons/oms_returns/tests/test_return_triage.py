from odoo.tests import tagged

from .common import OmsReturnCase


@tagged("post_install", "-at_install")
class TestTriage(OmsReturnCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A defective shirt recovers less than its label and handling: it must come back all
        # the same (a shirt is worth more than 5.00), else the customer would keep it.
        cls.channel.return_keep_it_max_value = 5.0

    def _arrived(self, condition="defective"):
        order = self._delivered_order()
        ret = self._return(order, {self.shirt: 1}, reason="defective", condition=condition)
        self._validate(ret.picking_ids)
        return ret

    def test_defective_goes_to_triage_then_back_to_the_supplier(self):
        self.shirt.oms_vendor_credit = 12.0
        ret = self._arrived()
        line = ret.line_ids
        self.assertEqual(line.action, "triage")
        self.assertEqual(line.warehouse_id, self.dc)
        line.grade = "defective"
        ret.action_inspect()
        self.assertEqual(line.disposition, "return_to_vendor")
        self.assertAlmostEqual(line.disposition_value, 12.0)
        to_vendor = ret.picking_ids.filtered(
            lambda p: p.location_dest_id == self.env.ref("stock.stock_location_suppliers")
        )
        self.assertEqual(to_vendor.partner_id, self.vendor)
        self.assertEqual(to_vendor.location_id, self.dc._oms_returns_location())
        options = {o["outcome"]: o for o in line.disposition_options}
        self.assertFalse(options["resell"]["allowed"])
        self.assertTrue(options["scrap"]["allowed"])
        inspected = ret.decision_ids.filtered(lambda d: d.kind == "disposition")
        self.assertIn("Return to supplier", inspected.explanation)
        self.assertIn("other outcomes: scrap", inspected.explanation.lower())

    def test_defective_without_a_taker_is_scrapped(self):
        ret = self._arrived()
        ret.line_ids.grade = "defective"
        ret.action_inspect()
        self.assertEqual(ret.line_ids.disposition, "scrap")
        scrap = ret.line_ids.scrap_ids
        self.assertEqual(scrap.state, "done")
        self.assertEqual(scrap.location_id, self.dc._oms_returns_location())
        # Scrapped at once: nothing left to move, the money went back.
        self.assertTrue(ret.refund_request_ids)
        self.assertEqual(ret.state, "closed")

    def test_damaged_is_refurbished_when_it_pays(self):
        self.shirt.oms_refurbish_cost = 2.0
        ret = self._arrived(condition="damaged")
        ret.line_ids.grade = "damaged"
        ret.action_inspect()
        self.assertEqual(ret.line_ids.disposition, "refurbish")
        moved = ret.picking_ids.filtered(
            lambda p: p.location_dest_id == ret.line_ids.warehouse_id._oms_refurbish_location()
        )
        self.assertTrue(moved)

    def test_inspecting_before_the_goods_arrived_is_refused(self):
        order = self._delivered_order()
        ret = self._return(order, {self.shirt: 1})
        ret.line_ids.grade = "as_new"
        with self.assertRaisesRegex(Exception, "nothing to inspect"):
            ret.action_inspect()
        self.assertFalse(ret.line_ids.disposition)
