# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# Who sees shop refunds (security/ir.model.access.csv): everyone else sees the orders only.
REFUND_READERS = "oms_omnichannel.group_oms_customer_service,oms_omnichannel.group_oms_integration"

RESTOCK_TYPES = [
    ("cancel", "Cancelled (not shipped)"),
    ("return", "Return expected"),
    ("no_restock", "No restock"),
]


class OmsOrderRefund(models.Model):
    """A refund the shop made to the customer, as the shop reported it.

    Written by ``oms.intake.apply_refunds`` (docs/contracts.md), once per
    (channel, shop's refund id); read by customer service and accounting.
    """

    _name = "oms.order.refund"
    _description = "Shop Refund"
    _order = "refunded_at desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Order",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="sale_order_id.company_id", store=True)
    channel_id = fields.Many2one("oms.channel", required=True, ondelete="restrict", index=True)
    external_refund_id = fields.Char(
        string="Shop Refund ID", required=True, help="The shop's id of the refund."
    )
    refunded_at = fields.Datetime(
        string="Refunded On", help="When the shop made the refund (the shop's created_at)."
    )
    currency_id = fields.Many2one("res.currency", required=True)
    amount_total = fields.Monetary(
        string="Refunded Amount", help="What the shop paid back to the customer."
    )
    note = fields.Text(help="The reason the shop gave.")
    line_ids = fields.One2many("oms.order.refund.line", "refund_id", string="Lines")
    cancelled_quantity = fields.Float(
        compute="_compute_quantities",
        store=True,
        digits="Product Unit of Measure",
        help="Units taken off the order's open deliveries.",
    )
    return_quantity = fields.Float(
        compute="_compute_quantities",
        store=True,
        digits="Product Unit of Measure",
        help="Units the customer is expected to send back.",
    )
    credit_note_id = fields.Many2one(
        "account.move",
        readonly=True,
        copy=False,
        check_company=True,
        help="Draft credit note for the refunded units of an order that was invoiced.",
    )

    _sql_constraints = [
        (
            "channel_refund_uniq",
            "unique(channel_id, external_refund_id)",
            "A shop refund is recorded once per channel.",
        )
    ]

    @api.depends("sale_order_id.name", "external_refund_id")
    def _compute_name(self):
        for refund in self:
            refund.name = f"{refund.sale_order_id.name} / {refund.external_refund_id}"

    @api.depends("line_ids.cancelled_quantity", "line_ids.return_quantity")
    def _compute_quantities(self):
        for refund in self:
            refund.cancelled_quantity = sum(refund.line_ids.mapped("cancelled_quantity"))
            refund.return_quantity = sum(refund.line_ids.mapped("return_quantity"))

    def action_open_credit_note(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.credit_note_id.id,
            "view_mode": "form",
        }


class OmsOrderRefundLine(models.Model):
    _name = "oms.order.refund.line"
    _description = "Shop Refund Line"
    _order = "refund_id, id"

    refund_id = fields.Many2one("oms.order.refund", required=True, ondelete="cascade", index=True)
    sale_line_id = fields.Many2one("sale.order.line", string="Order Line", ondelete="set null")
    product_id = fields.Many2one("product.product", required=True)
    external_line_id = fields.Char(string="Shop Line ID")
    quantity = fields.Float(digits="Product Unit of Measure", help="Units the shop refunded.")
    currency_id = fields.Many2one(related="refund_id.currency_id")
    amount = fields.Monetary(help="What the shop refunded for this line (its subtotal).")
    restock_type = fields.Selection(RESTOCK_TYPES, required=True, default="no_restock")
    cancelled_quantity = fields.Float(
        digits="Product Unit of Measure",
        help="Units taken off the open deliveries (never more than was still undelivered).",
    )
    return_quantity = fields.Float(
        digits="Product Unit of Measure",
        help="Units expected back: a return, or a cancellation that came after shipping.",
    )
