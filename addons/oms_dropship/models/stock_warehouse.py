# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    oms_dropship_user_ids = fields.Many2many(
        "res.users",
        "oms_dropship_warehouse_user_rel",
        "warehouse_id",
        "user_id",
        string="Supplier Portal Users",
        domain=[("share", "=", True)],
        help="The supplier's people: portal users who see this node's deliveries in the "
        "portal, accept, turn down and ship them, and upload the node's stock.",
    )
    oms_dropship_accept_hours = fields.Integer(
        string="Accept Within (hours)",
        default=24,
        help="A delivery offered to the supplier is late when not accepted within these "
        "hours (calendar hours, counted from the offer). 0: no limit.",
    )
    oms_dropship_ship_hours = fields.Integer(
        string="Ship Within (hours)",
        default=72,
        help="A delivery is late when not shipped within these hours of being offered "
        "(calendar hours). 0: no limit.",
    )

    oms_dropship_api_key_ids = fields.One2many(
        "oms.dropship.api.key",
        "warehouse_id",
        string="Stock Feed API Keys",
        help="The keys the supplier's system sends its stock with (sync service's stock "
        "endpoint). The supplier issues them in the portal; revoking one is immediate.",
    )

    @api.constrains("oms_dropship_accept_hours", "oms_dropship_ship_hours")
    def _check_oms_dropship_hours(self):
        for warehouse in self:
            if warehouse.oms_dropship_accept_hours < 0 or warehouse.oms_dropship_ship_hours < 0:
                raise ValidationError(
                    self.env._("%s: the supplier's hours cannot be negative.", warehouse.name)
                )

    @api.constrains("oms_dropship_user_ids", "oms_node_kind")
    def _check_oms_dropship_users(self):
        for warehouse in self:
            if warehouse.oms_dropship_user_ids and warehouse.oms_node_kind != "dropship":
                raise ValidationError(
                    self.env._(
                        "%s is not a drop-ship supplier: it has no supplier portal users.",
                        warehouse.name,
                    )
                )
            internal = warehouse.oms_dropship_user_ids.filtered(lambda u: not u.share)
            if internal:
                raise ValidationError(
                    self.env._(
                        "Supplier portal users are portal users; %s works in the back office.",
                        ", ".join(internal.mapped("name")),
                    )
                )
