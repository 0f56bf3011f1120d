# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    # Set by an OMS manager on the node (Supplier Portal Users); not among the fields a user
    # may write on their own record, so a supplier cannot add another supplier's node.
    oms_dropship_warehouse_ids = fields.Many2many(
        "stock.warehouse",
        "oms_dropship_warehouse_user_rel",
        "user_id",
        "warehouse_id",
        string="Drop-ship Nodes",
        domain=[("oms_node_kind", "=", "dropship")],
        help="The drop-ship suppliers this portal user works for: they see and ship those "
        "nodes' deliveries and upload their stock in the portal.",
    )
