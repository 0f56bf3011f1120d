from odoo import api, fields, models

HEALTH_MODES = [
    ("off", "Not watched"),
    ("warn", "Warn only"),
    ("auto", "Warn, then switch off"),
]


class StockWarehouse(models.Model):
    """A node's health limits, its health as the control tower sees it, and its waves."""

    _name = "stock.warehouse"
    _inherit = ["stock.warehouse", "mail.activity.mixin"]

    oms_health_mode = fields.Selection(
        HEALTH_MODES,
        string="Automatic Failover",
        default="warn",
        required=True,
        help="What the control tower does when the node's signals go over their limits: "
        "nothing, warn the OMS manager, or warn and then switch the node off for routing "
        "(its unstarted deliveries move elsewhere) until the signals clear.",
    )
    oms_backlog_limit_hours = fields.Float(
        string="Backlog Limit (hours)",
        default=24.0,
        help="The node is unhealthy when its oldest open delivery has waited longer.",
    )
    oms_reject_rate_limit = fields.Float(
        string="Rejection Limit",
        default=0.5,
        help="The node is unhealthy when it turns down more than this share of the "
        "deliveries offered to it in the last 24 hours (counted from 5 offers).",
    )
    oms_pos_silence_limit = fields.Integer(
        string="Till Silence Limit (minutes)",
        default=30,
        help="A store is unhealthy when none of its tills has been heard from for this "
        "long during its opening hours.",
    )
    oms_opening_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Opening Hours",
        help="When the store is open: a silent till counts only then. Empty: the store's "
        "tills are not watched.",
    )
    oms_health_status_ids = fields.One2many("oms.health.status", "warehouse_id")
    oms_health_status_id = fields.Many2one(
        "oms.health.status", compute="_compute_oms_health", string="Health"
    )
    oms_health_state = fields.Selection(
        [("ok", "Healthy"), ("warning", "Warned"), ("off", "Switched off")],
        compute="_compute_oms_health",
        string="Health State",
    )
    oms_wave_release = fields.Boolean(
        string="Release in Waves",
        help="Deliveries routed to this node wait, not released, until the next wave: the "
        "wave re-decides them together (fewer parcels, or as many for less, where that "
        "keeps every promise), then releases them.",
    )

    @api.depends("oms_health_status_ids.state")
    def _compute_oms_health(self):
        for warehouse in self:
            status = warehouse.oms_health_status_ids[:1]
            warehouse.oms_health_status_id = status
            warehouse.oms_health_state = status.state or "ok"

    def write(self, vals):
        # A person switching a node the control tower had switched off (or on) takes over
        # from it: recorded, and the cool-down starts.
        manual = "oms_routing_enabled" in vals and not self.env.context.get("oms_health_switch")
        before = {wh.id: wh.oms_routing_enabled for wh in self} if manual else {}
        result = super().write(vals)
        if manual:
            changed = self.filtered(lambda wh: before[wh.id] != wh.oms_routing_enabled)
            if changed:
                self.env["oms.health.status"]._on_manual_switch(changed)
        return result

    @api.model
    def _oms_health_watched(self):
        """The nodes the control tower watches."""
        return self.search([("oms_health_mode", "!=", "off")])
