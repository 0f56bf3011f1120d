# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import OmsReplenishmentCase


@tagged("post_install", "-at_install")
class TestConfirmPurchase(OmsReplenishmentCase):
    def setUp(self):
        super().setUp()
        self._compute()
        [self.purchase] = self._open(kind="purchase")
        self.Orderpoint = self.env["stock.warehouse.orderpoint"]

    def _rules(self):
        return self.Orderpoint.search(
            [("product_id", "=", self.cap.id), ("warehouse_id", "=", self.dc.id)]
        )

    def test_a_node_without_a_rule_gets_a_manual_one_with_the_quantity_to_order(self):
        self.purchase.action_confirm()
        rule = self._rules()
        self.assertEqual(self.purchase.orderpoint_id, rule)
        self.assertEqual(rule.trigger, "manual")
        self.assertEqual(rule.location_id, self.dc.lot_stock_id)
        self.assertEqual(rule.qty_to_order, 4.0)
        self.assertEqual(self.purchase.state, "confirmed")

    def test_an_existing_rule_takes_the_quantity_to_order(self):
        rule = self.Orderpoint.create(
            {
                "warehouse_id": self.dc.id,
                "location_id": self.dc.lot_stock_id.id,
                "product_id": self.cap.id,
                "product_min_qty": 1,
                "product_max_qty": 2,
            }
        )
        self.purchase.action_confirm()
        self.assertEqual(self._rules(), rule)
        self.assertEqual(rule.qty_to_order_manual, 4.0)
        self.assertEqual((rule.product_min_qty, rule.product_max_qty), (1.0, 2.0))

    def test_confirming_twice_orders_once(self):
        self.purchase.action_confirm()
        self.purchase.action_confirm()
        self.assertEqual(len(self._rules()), 1)
        self.assertEqual(self._rules().qty_to_order, 4.0)
