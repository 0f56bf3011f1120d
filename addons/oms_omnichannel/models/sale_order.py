from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    oms_channel_id = fields.Many2one(
        "oms.channel", string="Channel", check_company=True, index=True, copy=True
    )
    oms_service_level = fields.Selection(
        [("standard", "Standard"), ("express", "Express")],
        string="Service Level",
        default="standard",
        required=True,
    )
    oms_delivery_mode = fields.Selection(
        [("ship", "Ship to address"), ("pickup", "Collect in store")],
        string="Delivery Mode",
        default="ship",
        required=True,
    )
    oms_pickup_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Pickup Store",
        check_company=True,
        domain="[('oms_pickup_point', '=', True)]",
    )
    oms_allow_split = fields.Boolean(
        string="Allow Split",
        default=True,
        help="The order may ship in several packages from several nodes.",
    )
    oms_routing_state = fields.Selection(
        [
            ("none", "Not routed"),
            ("routed", "Routed"),
            ("backorder", "Partly backordered"),
            ("waiting", "Waiting for stock"),
            ("hold", "On hold"),
        ],
        string="Routing",
        default="none",
        copy=False,
        index=True,
        readonly=True,
    )
    oms_decision_id = fields.Many2one(
        "oms.routing.decision", string="Routing Decision", copy=False, readonly=True
    )
    oms_decision_ids = fields.One2many(
        "oms.routing.decision", "sale_order_id", string="Routing History", readonly=True
    )
    oms_promised_date = fields.Datetime(
        string="Promised Delivery",
        copy=False,
        readonly=True,
        help="Latest promised delivery date of the order's shipments.",
    )
    oms_ready_date = fields.Datetime(
        string="Ready for Pickup",
        copy=False,
        readonly=True,
        help="When a click & collect order will be ready in the store.",
    )
    oms_is_split = fields.Boolean(
        related="oms_decision_id.is_split", string="Split", store=True
    )
    oms_package_count = fields.Integer(
        related="oms_decision_id.package_count", string="Packages"
    )
    oms_explanation_html = fields.Html(
        related="oms_decision_id.explanation_html", string="Why"
    )
    oms_is_late = fields.Boolean(
        string="Late",
        compute="_compute_oms_is_late",
        search="_search_oms_is_late",
        help="Promised date passed and not fully delivered.",
    )
    oms_can_reroute = fields.Boolean(compute="_compute_oms_can_reroute")

    @api.depends("oms_promised_date", "delivery_status")
    def _compute_oms_is_late(self):
        now = fields.Datetime.now()
        for order in self:
            order.oms_is_late = bool(
                order.oms_promised_date
                and order.oms_promised_date < now
                and order.delivery_status != "full"
            )

    def _search_oms_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        late = [
            ("oms_promised_date", "<", fields.Datetime.now()),
            ("delivery_status", "!=", "full"),
            ("state", "=", "sale"),
        ]
        if (operator == "=") == value:
            return late
        return ["!", "&", "&", *late]

    @api.depends("state", "picking_ids.state")
    def _compute_oms_can_reroute(self):
        for order in self:
            order.oms_can_reroute = order.state == "sale" and not order._oms_started_pickings()

    def _oms_started_pickings(self):
        """Deliveries that already moved or were picked: a re-route may not cancel them."""
        self.ensure_one()
        return self.picking_ids.filtered(lambda p: p._oms_is_started())

    @api.model
    def _cron_oms_route_waiting(self):
        """Route again the orders that wait for stock (channel behaviour "wait")."""
        waiting = self.search([("oms_routing_state", "=", "waiting"), ("state", "=", "sale")])
        for order in waiting:
            order._oms_reroute(trigger="retry")
