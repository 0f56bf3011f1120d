# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Change Order wizard previews a change without writing anything, then applies it."""

from freezegun import freeze_time
from odoo.tests import Form, tagged

from ..models.oms_order_change import OrderChangeRefused
from .change_common import OmsChangeCase
from .common import TUESDAY_MORNING


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestOrderChangeWizard(OmsChangeCase):
    def _wizard(self, order):
        return Form(self.env["oms.order.change.wizard"].with_context(active_id=order.id))

    def test_preview_writes_nothing(self):
        order = self._order([(self.cap, 2)])
        order.oms_shipping_price = 4.90
        deliveries = self._deliveries(order)
        partners = self.env["res.partner"].search_count([])
        form = self._wizard(order)
        self.assertIn("can still be cancelled", form.options_html)
        form.operation = "delivery_mode"
        form.delivery_mode = "pickup"
        form.pickup_warehouse_id = self.store
        self.assertIn("from DC", form.preview_html)
        self.assertIn("New promise", form.preview_html)
        self.assertIn("4.90", form.preview_html, "the shipping paid goes back")
        form.operation = "address"
        form.city, form.zip, form.street = "Hamburg", "20095", "Jungfernstieg 1"
        self.assertIn("New promise", form.preview_html)
        form.operation = "lines"
        with form.line_ids.edit(0) as line:
            line.new_quantity = 1
        self.assertIn("goes back to the customer", form.preview_html)
        self.assertEqual(self._deliveries(order), deliveries)
        self.assertEqual(deliveries.mapped("state"), ["assigned"])
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        self.assertEqual((order.oms_delivery_mode, order.order_line.product_uom_qty), ("ship", 2))
        self.assertFalse(order.oms_refund_request_ids)
        self.assertFalse(order.oms_change_ids)

    def test_apply_lowers_the_line(self):
        order = self._order([(self.cap, 2)])
        form = self._wizard(order)
        with form.line_ids.edit(0) as line:
            line.new_quantity = 1
        form.reason = "One is enough"
        form.save().action_apply()
        self.assertEqual(order.order_line.product_uom_qty, 1.0)
        self.assertEqual(order.oms_change_ids.source, "back_office")
        self.assertEqual(order.oms_refund_request_ids.reason, "One is enough")

    def test_nothing_changed_is_refused(self):
        order = self._order([(self.cap, 2)])
        with self.assertRaises(OrderChangeRefused):
            self._wizard(order).save().action_apply()
