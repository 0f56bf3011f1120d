from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    oms_routing_active = fields.Boolean(
        string="Omnichannel Routing",
        default=True,
        help="Route confirmed sale orders across the warehouses of this company. Off: Odoo's "
        "standard behaviour (everything from the order's warehouse).",
    )
    oms_responsible_user_id = fields.Many2one(
        "res.users",
        string="OMS Responsible",
        domain="[('share', '=', False)]",
        help="Gets the to-dos of orders that routing cannot decide alone (an order on hold) "
        "when the order's salesperson is not a person (orders imported from a shop carry "
        "the sync service's user). Empty: the first OMS manager.",
    )
