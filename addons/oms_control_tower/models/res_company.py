from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    oms_health_grace_minutes = fields.Integer(
        string="Warn Before Switching (minutes)",
        default=30,
        help="How long a node or a carrier stays warned, its signal still over the limit, "
        "before the control tower switches it off for routing.",
    )
    oms_health_cooldown_minutes = fields.Integer(
        string="Cool-down (minutes)",
        default=60,
        help="After a switch (automatic or by a person), the control tower leaves the node or "
        "carrier as it is for this long: no switching back and forth.",
    )
    oms_health_clear_ratio = fields.Float(
        string="Clear Below (share of the limit)",
        default=0.8,
        help="A signal counts as cleared only below this share of its limit (0.8: under "
        "80 %). Between the two the state stays as it is, so a reading hovering around its "
        "limit does not switch a node on and off.",
    )
    oms_wave_interval_minutes = fields.Integer(
        string="Wave Every (minutes)",
        default=60,
        help="A wave collects the deliveries that wait for it for this long, then releases "
        "them (the cron); an OMS manager may release it sooner.",
    )
