# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _oms_paid_amounts(self, quantity):
        """(without taxes, with taxes) the customer paid for ``quantity`` of this line, in the
        line's unit: the shop's price and discount (``oms.intake`` keeps them on the line),
        the line's taxes - computed as Odoo computes the line and its invoice lines."""
        self.ensure_one()
        Tax = self.env["account.tax"]
        base_line = self._prepare_base_line_for_taxes_computation(quantity=quantity)
        Tax._add_tax_details_in_base_line(base_line, self.company_id)
        details = base_line["tax_details"]
        currency = self.order_id.currency_id
        return (
            currency.round(details["total_excluded_currency"]),
            currency.round(details["total_included_currency"]),
        )

    def _oms_refundable_quantity(self):
        """Units of the line that may still be refunded, in the line's unit.

        A cancellation takes its units off the line when it is made (refund requested
        first, then the line reduced), so what the line still carries is what was paid and
        not yet refunded - except the units refunded while the customer keeps or returns
        them, which stay on the line: by our own requests, or by the shop on its own.
        """
        self.ensure_one()
        kept = sum(
            line.quantity
            for line in self.env["oms.refund.request.line"]
            .sudo()
            .search([("sale_line_id", "=", self.id), ("restock_type", "!=", "cancel")])
        )
        confirming = (
            self.env["oms.refund.request"]
            .sudo()
            .search([("sale_order_id", "=", self.order_id.id), ("shop_refund_id", "!=", False)])
            .shop_refund_id
        )
        shop_lines = (
            self.env["oms.order.refund.line"]
            .sudo()
            .search([("sale_line_id", "=", self.id), ("refund_id", "not in", confirming.ids)])
        )
        kept += sum(line.quantity - line.cancelled_quantity for line in shop_lines)
        return max(self.product_uom_qty - kept, 0.0)
