# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The back office's return: customer service (or a store) picks the lines, reasons and
conditions of an order and starts the return - by mail, or received at a store now."""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.oms_return import KINDS, REFUND_METHODS, RESOLUTIONS, ReturnRefused


class OmsReturnWizard(models.TransientModel):
    _name = "oms.return.wizard"
    _description = "Start a Return"

    sale_order_id = fields.Many2one("sale.order", string="Order", required=True, readonly=True)
    company_id = fields.Many2one(related="sale_order_id.company_id")
    kind = fields.Selection(KINDS, required=True, default="mail")
    store_id = fields.Many2one(
        "stock.warehouse",
        domain="[('company_id', '=', company_id), ('oms_node_kind', '=', 'store')]",
    )
    resolution = fields.Selection(RESOLUTIONS, required=True, default="refund")
    refund_method = fields.Selection(REFUND_METHODS, required=True, default="original")
    note = fields.Text(string="What the customer said")
    line_ids = fields.One2many("oms.return.wizard.line", "wizard_id", string="Lines")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        order = self.env["sale.order"].browse(values.get("sale_order_id"))
        if order and "line_ids" in fields_list:
            values["line_ids"] = [
                Command.create(
                    {
                        "sale_line_id": line.id,
                        "returnable": line._oms_returnable_quantity(),
                        "quantity": 0.0,
                    }
                )
                for line in order.order_line
                if line.product_id and not line.display_type and not line.is_delivery
            ]
            stores = self.env.user.oms_warehouse_ids.filtered(
                lambda w: w.company_id == order.company_id
            )
            if stores:
                values.update(kind="store", store_id=stores[:1].id)
        return values

    def action_start(self):
        self.ensure_one()
        items = [
            {
                "sale_line": line.sale_line_id,
                "quantity": line.quantity,
                "reason": line.reason,
                "condition": line.condition,
                "exchange_product": line.exchange_product_id,
            }
            for line in self.line_ids
            if line.quantity
        ]
        if not items:
            raise UserError(self.env._("Say how many of which lines come back."))
        if self.kind == "store" and not self.store_id:
            raise UserError(self.env._("Say which store took the return."))
        self.sale_order_id.check_access("read")
        try:
            ret = self.env["oms.return"]._oms_create_return(
                self.sale_order_id,
                items,
                kind=self.kind,
                store=self.store_id if self.kind == "store" else None,
                source={"kind": "back_office", "client": self.env.user.name},
                note=self.note,
                resolution=self.resolution,
                refund_method=self.refund_method,
            )
        except ReturnRefused as refusal:
            raise UserError(refusal.args[0]) from None
        return {
            "type": "ir.actions.act_window",
            "res_model": "oms.return",
            "res_id": ret.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
