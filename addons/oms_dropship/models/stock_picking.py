# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# What the rest of a supplier's delivery (a backorder) keeps of the delivery it came from.
KEPT_ON_BACKORDER = (
    "state",
    "offered_date",
    "accept_deadline",
    "ship_deadline",
    "accepted_date",
    "accepted_by_id",
    "accept_late",
)


class StockPicking(models.Model):
    _inherit = "stock.picking"

    oms_dropship_delivery_ids = fields.One2many(
        "oms.dropship.delivery", "picking_id", string="Supplier's Delivery", readonly=True
    )
    oms_dropship_late = fields.Boolean(
        string="Supplier Late",
        compute="_compute_oms_dropship_late",
        store=True,
        help="The drop-ship supplier accepted or shipped this delivery later than its SLA "
        "allows (or has not yet and the time is up).",
    )

    @api.depends("oms_dropship_delivery_ids.is_late")
    def _compute_oms_dropship_late(self):
        for picking in self:
            picking.oms_dropship_late = any(picking.oms_dropship_delivery_ids.mapped("is_late"))

    def _create_backorder(self, backorder_moves=None):
        # What a supplier did not ship stays theirs to ship, with the same times.
        backorders = super()._create_backorder(backorder_moves=backorder_moves)
        Delivery = self.env["oms.dropship.delivery"].sudo()
        for backorder in backorders:
            original = backorder.backorder_id.sudo().oms_dropship_delivery_ids.filtered(
                lambda d: d.state in ("new", "accepted")
            )[:1]
            if original and not backorder.oms_dropship_delivery_ids:
                Delivery.create(
                    {
                        "picking_id": backorder.id,
                        "warehouse_id": original.warehouse_id.id,
                        "company_id": original.company_id.id,
                        **original._convert_to_write(original.read(KEPT_ON_BACKORDER)[0]),
                    }
                )
        return backorders

    def _action_done(self):
        result = super()._action_done()
        self.filtered(
            lambda p: p.state == "done"
        ).sudo().oms_dropship_delivery_ids._oms_delivery_done()
        return result
