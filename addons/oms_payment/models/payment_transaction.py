# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _post_process(self):
        """A payment made through Odoo's payment portal (the link of the payment e-mails)
        is money in for its orders, once per transaction reference."""
        result = super()._post_process()
        for tx in self.filtered(lambda t: t.state in ("done", "authorized")):
            orders = tx.sale_order_ids.filtered("oms_channel_id")
            for order in orders:
                amount = tx.amount if len(orders) == 1 else order.amount_total
                order._oms_register_payment(
                    "odoo", tx.reference, amount, currency=tx.currency_id, date=tx.last_state_change
                )
        return result
