# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class PosConfig(models.Model):
    _inherit = "pos.config"

    oms_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Store",
        compute="_compute_oms_warehouse_id",
        store=True,
        index="btree_not_null",
        help="The store this point of sale works for: its operation type's warehouse. The "
        "till lists the orders routed to it.",
    )
    oms_channel_id = fields.Many2one(
        "oms.channel",
        string="Sales Channel",
        check_company=True,
        domain="[('kind', '=', 'pos')]",
        help="The channel of what the till sells for delivery elsewhere (endless aisle). "
        "Empty: the company's point-of-sale channel.",
    )
    oms_store_queue = fields.Boolean(
        string="Store Orders",
        default=True,
        help="Show the orders routed to the store on this till, with a sound for new ones.",
    )

    @api.depends("picking_type_id.warehouse_id", "warehouse_id")
    def _compute_oms_warehouse_id(self):
        for config in self:
            config.oms_warehouse_id = config.picking_type_id.warehouse_id or config.warehouse_id

    def _oms_channel(self):
        self.ensure_one()
        return self.oms_channel_id or self.env["oms.channel"].sudo().search(
            [("kind", "=", "pos"), ("company_id", "=", self.company_id.id)], limit=1
        )
