# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup
from odoo import fields, models
from odoo.exceptions import UserError

SOURCES = [
    ("shop", "Shop"),
    ("odoo", "Online payment"),
    ("bank", "Bank"),
]
STATES = [
    ("applied", "Applied"),
    ("refund_due", "To refund: the order was cancelled"),
    ("refunded", "Refunded"),
]
CUSTOMER_SERVICE = "oms_omnichannel.group_oms_customer_service"


class OmsPayment(models.Model):
    """Money that arrived for an order, from wherever it was heard of first, once: a shop's
    payment status, a transaction of Odoo's payment portal, a bank payment reconciled with
    the order's invoice. Money for a cancelled order is kept here as "To refund"."""

    _name = "oms.payment"
    _description = "Payment Received (OMS)"
    _order = "date desc, id desc"
    _rec_name = "reference"

    order_id = fields.Many2one("sale.order", required=True, index=True, ondelete="restrict")
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    source = fields.Selection(SOURCES, required=True)
    reference = fields.Char(
        required=True, help="The payment's own reference at its source: it is applied once."
    )
    amount = fields.Monetary(required=True)
    currency_id = fields.Many2one("res.currency", required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    state = fields.Selection(STATES, required=True, default="applied", index=True)
    note = fields.Char()

    _sql_constraints = [
        (
            "source_reference_unique",
            "unique(order_id, source, reference)",
            "This payment was already recorded for the order.",
        )
    ]

    def action_oms_mark_refunded(self):
        """Customer service paid the money back (through the shop or the bank)."""
        if not self.env.user.has_group(CUSTOMER_SERVICE):
            raise UserError(self.env._("Only customer service marks payments as refunded."))
        self.check_access("read")
        for payment in self:
            if payment.state != "refund_due":
                raise UserError(
                    self.env._(
                        "%(payment)s is not waiting for a refund.", payment=payment.reference
                    )
                )
        self.sudo().write({"state": "refunded"})
        for payment in self:
            payment.order_id._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "%(user)s paid back %(amount)s (%(reference)s).",
                    user=self.env.user.name,
                    amount=payment._amount_text(),
                    reference=payment.reference,
                )
            )
        return True

    def _amount_text(self):
        self.ensure_one()
        return self.currency_id.format(self.amount)
