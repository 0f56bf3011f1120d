# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A line of a return: one product, its quantity, why it came back, in what state, where it
went and what it was worth - also the row of the returns cost view (per order, channel and
reason)."""

from odoo import api, fields, models

REASONS = [
    ("changed_mind", "Changed their mind"),
    ("wrong_size", "Wrong size or fit"),
    ("not_as_described", "Not as described"),
    ("wrong_item", "Wrong item sent"),
    ("damaged_in_transit", "Damaged in transit"),
    ("defective", "Defective"),
    ("late", "Arrived too late"),
    ("other", "Other"),
]
# The retailer's fault: no restocking fee, no label fee.
COMPANY_FAULT = ("not_as_described", "wrong_item", "damaged_in_transit", "defective", "late")
GRADES = [
    ("as_new", "As new"),
    ("opened", "Opened"),
    ("damaged", "Damaged"),
    ("defective", "Defective"),
]
ACTIONS = [
    ("send", "Sent back"),
    ("keep", "Customer keeps it"),
    ("stay", "Stays in the store"),
    ("transfer", "Sent on"),
    ("triage", "To triage"),
]
DISPOSITIONS = [
    ("resell", "Resell"),
    ("refurbish", "Refurbish"),
    ("return_to_vendor", "Return to supplier"),
    ("scrap", "Scrap"),
]


class OmsReturnLine(models.Model):
    _name = "oms.return.line"
    _description = "Return Line"
    _order = "return_id desc, id"
    _check_company_auto = True

    return_id = fields.Many2one("oms.return", required=True, ondelete="cascade", index=True)
    name = fields.Char(related="return_id.name", string="Return Number")
    state = fields.Selection(related="return_id.state", store=True)
    sale_order_id = fields.Many2one(related="return_id.sale_order_id", store=True, string="Order")
    channel_id = fields.Many2one(related="return_id.channel_id", store=True, string="Channel")
    company_id = fields.Many2one(related="return_id.company_id", store=True)
    currency_id = fields.Many2one(related="return_id.currency_id")
    kind = fields.Selection(related="return_id.kind", store=True)
    sale_line_id = fields.Many2one(
        "sale.order.line", string="Order Line", required=True, ondelete="restrict", index=True
    )
    product_id = fields.Many2one("product.product", required=True)
    quantity = fields.Float(digits="Product Unit of Measure", required=True)
    product_uom = fields.Many2one(related="sale_line_id.product_uom", string="Unit")
    reason = fields.Selection(REASONS, required=True, default="other")
    condition = fields.Selection(
        GRADES, required=True, default="as_new", help="As the customer or the cashier saw it."
    )
    grade = fields.Selection(GRADES, help="As inspected.")
    exchange_product_id = fields.Many2one(
        "product.product", string="Exchange For", help="Empty: the same product."
    )
    # Where it goes (the engine's return routing)
    action = fields.Selection(ACTIONS, readonly=True)
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Goes To", readonly=True, check_company=True
    )
    routing_value = fields.Monetary(
        string="Worth There", readonly=True, help="What the items recover where they go."
    )
    # What became of it (after inspection)
    disposition = fields.Selection(DISPOSITIONS, readonly=True)
    disposition_value = fields.Monetary(readonly=True)
    disposition_options = fields.Json(readonly=True, help="Every outcome with its value.")
    move_ids = fields.One2many("stock.move", "oms_return_line_id", string="Stock Moves")
    scrap_ids = fields.One2many("stock.scrap", "oms_return_line_id", string="Scrapped")
    # Money and costs (the cost view)
    refunded = fields.Boolean(readonly=True, copy=False)
    refund_amount = fields.Monetary(readonly=True, help="What the customer got back for it.")
    fee_amount = fields.Monetary(string="Fees", readonly=True)
    unit_value = fields.Monetary(
        readonly=True, help="What one unit sells for new (net), when the return was routed."
    )
    shipping_cost = fields.Monetary(
        readonly=True, help="Its share of the return labels, or of the transfer on."
    )
    handling_cost = fields.Monetary(readonly=True)
    recovered_value = fields.Monetary(
        compute="_compute_value", store=True, help="What the item is worth after the return."
    )
    value_lost = fields.Monetary(
        compute="_compute_value",
        store=True,
        help="Its value new less what it recovers, plus labels and handling.",
    )

    @api.depends(
        "action",
        "routing_value",
        "disposition",
        "disposition_value",
        "unit_value",
        "quantity",
        "shipping_cost",
        "handling_cost",
    )
    def _compute_value(self):
        for line in self:
            if line.action == "keep":
                recovered = 0.0
            elif line.disposition:
                recovered = line.disposition_value
            else:
                recovered = line.routing_value
            line.recovered_value = recovered
            line.value_lost = (
                line.unit_value * line.quantity
                - recovered
                + line.shipping_cost
                + line.handling_cost
            )

    # ------------------------------------------------------------------
    # Where the line stands
    # ------------------------------------------------------------------
    def _oms_receipt_moves(self):
        return self.move_ids.filtered(lambda m: m.location_id.usage == "customer")

    def _oms_arrived(self):
        """Its goods are in (or none come back)."""
        self.ensure_one()
        if self.action == "keep":
            return True
        moves = self._oms_receipt_moves().filtered(lambda m: m.state != "cancel")
        return bool(moves) and all(m.state == "done" for m in moves)

    def _oms_done_inspecting(self):
        self.ensure_one()
        return self.action == "keep" or bool(self.disposition)

    def _oms_company_fault(self):
        self.ensure_one()
        return self.reason in COMPANY_FAULT
