# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A shop's order updates change lines, quantities and addresses - once, in order, and never
undoing what customer service changed in Odoo since."""

from .test_intake_common import OmsIntakeCommon


class TestShopOrderUpdates(OmsIntakeCommon):
    def setUp(self):
        super().setUp()
        [result] = self._ingest(self._payload("4001"))
        self.assertEqual(result["status"], "created", result)
        self.order = self._orders("4001")
        self.line_a = self._line("li-1")

    def _line(self, external_id):
        return self.order.order_line.filtered(lambda ol: ol.oms_external_line_id == external_id)

    def _update(self, version, lines=None, **overrides):
        payload = self._payload("4001", version=version, **overrides)
        if lines is not None:
            payload["lines"] = lines
        [result] = self._ingest(payload)
        return result

    def _lines(self, quantity_a=2, quantity_b=1):
        lines = self._payload("4001")["lines"]
        lines[0]["quantity"], lines[1]["quantity"] = quantity_a, quantity_b
        return lines

    def _open_qty(self, line):
        moves = line.move_ids.filtered(
            lambda m: m.state not in ("done", "cancel") and m.location_dest_id.usage == "customer"
        )
        return sum(moves.mapped("product_uom_qty"))

    def test_fewer_units_shrink_the_delivery_without_asking_a_refund(self):
        result = self._update(2, self._lines(quantity_a=1))
        self.assertEqual(result["status"], "updated", result)
        self.assertEqual((self.line_a.product_uom_qty, self._open_qty(self.line_a)), (1.0, 1.0))
        self.assertFalse(self.order.oms_refund_request_ids, "the shop refunds what it changed")
        [change] = self.order.oms_change_ids
        self.assertEqual((change.source, change.key), ("shop", "shop:test-webshop:4001:2:lower"))
        # Redelivered: unchanged, nothing applied twice.
        self.assertEqual(self._update(2, self._lines(quantity_a=1))["status"], "unchanged")
        self.assertEqual(self.line_a.product_uom_qty, 1.0)

    def test_updates_out_of_order(self):
        self.assertEqual(self._update(5, self._lines(quantity_a=1))["status"], "updated")
        # An older version that still had two units arrives late: stale, nothing changes.
        self.assertEqual(self._update(4, self._lines(quantity_a=2))["status"], "stale")
        self.assertEqual(self.line_a.product_uom_qty, 1.0)
        self.assertEqual(len(self.order.oms_change_ids), 1)

    def test_a_new_line_at_the_shops_price(self):
        lines = [
            *self._lines(),
            {
                "external_id": "li-3",
                "sku": "OMS-TEST-B",
                "quantity": 2,
                "unit_price": "4.00",
                "discount_percent": "0",
            },
        ]
        self.assertEqual(self._update(2, lines)["status"], "updated")
        added = self._line("li-3")
        self.assertEqual((added.product_uom_qty, added.price_unit), (2.0, 4.0))
        self.assertEqual(self._open_qty(added), 2.0)
        # A line the shop removes is cancelled.
        self.assertEqual(self._update(3, lines[:2])["status"], "updated")
        self.assertEqual(added.product_uom_qty, 0.0)

    def test_new_address_is_planned_again(self):
        delivery = self.order.picking_ids.filtered(lambda p: p.state != "cancel")
        porto = dict(
            self._payload("4001")["shipping_address"],
            city="Porto",
            zip="4000-001",
            street="Rua das Flores 5",
        )
        self.assertEqual(self._update(2, shipping_address=porto)["status"], "updated")
        self.assertEqual(self.order.partner_shipping_id.city, "Porto")
        self.assertEqual(delivery.state, "cancel")
        open_delivery = self.order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        self.assertEqual(set(open_delivery.mapped("partner_id.city")), {"Porto"})
        # The same address again in the next version: nothing more happens.
        self.assertEqual(self._update(3, shipping_address=porto)["status"], "updated")
        self.assertEqual(self.order.oms_change_ids.mapped("operation"), ["address"])

    def test_never_undoes_what_customer_service_changed(self):
        self.order._oms_cancel_lines([(self.line_a, 1)], key="cs-1")
        self.assertEqual(self.line_a.product_uom_qty, 1.0)
        # The shop repeats the order as it was (WooCommerce keeps ordered quantities) ...
        self.assertEqual(self._update(2, self._lines(quantity_a=2))["status"], "updated")
        self.assertEqual(self.line_a.product_uom_qty, 1.0)
        # ... or shows the refunded unit gone (Shopify's current quantity): an echo only.
        self.assertEqual(self._update(3, self._lines(quantity_a=1))["status"], "updated")
        self.assertEqual(self.line_a.product_uom_qty, 1.0)
        # A real change by the shop afterwards still applies: it removes the line.
        result = self._update(4, self._lines()[1:])
        self.assertEqual(result["status"], "updated", result)
        self.assertEqual(self.line_a.product_uom_qty, 0.0)

    def test_what_cannot_follow_goes_to_a_person(self):
        self._ship(self.order)
        self.assertEqual(self._update(2, self._lines(quantity_a=1))["status"], "updated")
        self.assertEqual(self.line_a.product_uom_qty, 2.0)
        [activity] = self.order.activity_ids.filtered(lambda a: "could not be applied" in a.summary)
        self.assertIn("already shipped", activity.note)
