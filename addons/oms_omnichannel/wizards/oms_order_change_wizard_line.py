# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class OmsOrderChangeWizardLine(models.TransientModel):
    _name = "oms.order.change.wizard.line"
    _description = "Change Order Line"

    wizard_id = fields.Many2one("oms.order.change.wizard", required=True, ondelete="cascade")
    sale_line_id = fields.Many2one("sale.order.line", string="Order Line", readonly=True)
    product_id = fields.Many2one(
        "product.product",
        compute="_compute_product_id",
        store=True,
        readonly=False,
        domain="[('sale_ok', '=', True)]",
        help="For a product to add: leave the order line empty.",
    )
    product_uom = fields.Many2one("uom.uom", compute="_compute_from_line", string="Unit")
    quantity = fields.Float(
        compute="_compute_from_line", string="Ordered", digits="Product Unit of Measure"
    )
    cancellable = fields.Float(
        compute="_compute_from_line",
        string="Can Still Cancel",
        digits="Product Unit of Measure",
        help="Units not shipped and not being prepared by a node.",
    )
    why_not = fields.Char(compute="_compute_from_line")
    new_quantity = fields.Float(digits="Product Unit of Measure")

    @api.depends("sale_line_id")
    def _compute_product_id(self):
        for wline in self.filtered("sale_line_id"):
            wline.product_id = wline.sale_line_id.product_id

    @api.depends("sale_line_id", "product_id")
    def _compute_from_line(self):
        for wline in self:
            line = wline.sale_line_id
            if not line:
                wline.product_uom = wline.product_id.uom_id
                wline.quantity = wline.cancellable = 0.0
                wline.why_not = False
                continue
            free, started = line._oms_cancellable()
            free = max(min(free, line.product_uom_qty - line.qty_delivered), 0.0)
            wline.product_uom = line.product_uom
            wline.quantity = line.product_uom_qty
            wline.cancellable = free
            wline.why_not = (
                self.env._("Being prepared: %s", ", ".join(started.mapped("name")))
                if started
                else (
                    self.env._("%g already shipped", line.qty_delivered)
                    if line.qty_delivered
                    else False
                )
            )
