# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        """A bank payment reconciled with an order's invoice (a statement line, a registered
        payment) is money in for the order, once per reconciliation."""
        partials = super().create(vals_list)
        for partial in partials:
            for line in partial.debit_move_id | partial.credit_move_id:
                invoice = line.move_id
                if invoice.move_type != "out_invoice" or line.account_id.account_type != (
                    "asset_receivable"
                ):
                    continue
                amount = (
                    partial.debit_amount_currency
                    if line == partial.debit_move_id
                    else partial.credit_amount_currency
                )
                orders = invoice.invoice_line_ids.sale_line_ids.order_id.filtered("oms_channel_id")
                for order in orders[:1]:
                    order._oms_register_payment(
                        "bank",
                        f"{invoice.name}/{partial.id}",
                        amount,
                        currency=invoice.currency_id,
                    )
        return partials
