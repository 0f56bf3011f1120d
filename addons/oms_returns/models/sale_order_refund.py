# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Return fees on the money going back: the refund request's lines and its credit note carry
them, so what the shop pays back and what accounting credits match."""

from odoo import Command, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _oms_refund_line_vals(self, line, quantity, restock_type):
        vals = super()._oms_refund_line_vals(line, quantity, restock_type)
        fee = (self.env.context.get("oms_return_fees") or {}).get(line.id)
        if fee and vals.get("amount"):
            share = fee / vals["amount"]
            vals["amount"] = self.currency_id.round(vals["amount"] - fee)
            vals["amount_untaxed"] = self.currency_id.round(vals["amount_untaxed"] * (1 - share))
        return vals

    def _oms_refund_credit_note(self, request):
        credit_note = super()._oms_refund_credit_note(request)
        fees = self.env.context.get("oms_return_fees")
        if credit_note and fees:
            self._oms_return_fee_line(credit_note, fees)
        return credit_note

    def _oms_return_fee_line(self, credit_note, fees):
        """The fees kept, as a line taking them off the credit note (at the taxes of the line
        they were kept from, so the credit note's total is what the customer gets back)."""
        product = self.env.ref("oms_returns.product_return_fee").sudo()
        commands = []
        for sale_line_id, fee in fees.items():
            if not fee:
                continue
            sale_line = self.env["sale.order.line"].browse(sale_line_id)
            taxes = sale_line.tax_id
            untaxed = (
                taxes.with_context(force_price_include=True).compute_all(
                    fee, currency=self.currency_id
                )["total_excluded"]
                if taxes
                else fee
            )
            commands.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "name": self.env._("Return fees (%s)", sale_line.product_id.display_name),
                        "quantity": 1,
                        "price_unit": -untaxed,
                        "tax_ids": [Command.set(taxes.ids)],
                    }
                )
            )
        if commands:
            credit_note.sudo().write({"invoice_line_ids": commands})
