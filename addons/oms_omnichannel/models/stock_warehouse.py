from odoo import api, fields, models


class StockWarehouse(models.Model):
    """A warehouse is a node of the fulfilment network.

    A new warehouse is a routable distribution centre with zero configuration; everything
    below only refines how the router treats it.
    """

    _name = "stock.warehouse"
    # A chatter: who switched a node off or on, and what the failover moved, stays on it.
    _inherit = ["stock.warehouse", "oms.network.data.mixin", "mail.thread"]

    oms_node_kind = fields.Selection(
        [("dc", "Distribution centre"), ("store", "Store"), ("dropship", "Drop-ship supplier")],
        string="Node Kind",
        default="dc",
        required=True,
        help="What the node is: a distribution centre, a store (which may also ship or hand "
        "over orders), or a supplier that ships to customers directly.",
    )
    oms_routing_enabled = fields.Boolean(
        string="Routing Enabled",
        default=True,
        tracking=True,
        help="Orders may be routed to this node. Switch it off (failover) with the "
        "'Switch off routing' button to also move its open deliveries elsewhere.",
    )
    oms_priority = fields.Integer(
        string="Routing Rank",
        default=0,
        help="0 is preferred; each step up costs the policy's rank weight per shipment, so "
        "between otherwise equal plans the node with the lower rank wins.",
    )
    oms_latitude = fields.Float(
        string="Latitude",
        digits=(10, 7),
        compute="_compute_oms_coordinates",
        store=True,
        readonly=False,
        help="Taken from the address when it is geolocated; editable.",
    )
    oms_longitude = fields.Float(
        string="Longitude",
        digits=(10, 7),
        compute="_compute_oms_coordinates",
        store=True,
        readonly=False,
        help="Taken from the address when it is geolocated; editable. Distances to customers "
        "(and the bulky-goods limit) are measured from the coordinates.",
    )
    oms_country_id = fields.Many2one(
        "res.country",
        string="Node Country",
        compute="_compute_oms_country_id",
        store=True,
        readonly=False,
        help="Country of the node: its public holidays are days off.",
    )
    oms_zip = fields.Char(
        string="Node Postal Code",
        related="partner_id.zip",
        help="From the node's address: carriers' transit zones are matched on it.",
    )
    # Capabilities
    oms_ships_parcels = fields.Boolean(
        string="Ships Parcels",
        default=True,
        help="The node sends parcels to customers with the carriers.",
    )
    oms_pickup_point = fields.Boolean(
        string="Pickup Point",
        tracking=True,
        help="Customers may collect orders here (click & collect). A store switched off for "
        "routing that is still a pickup point keeps handing over orders; their goods come "
        "by transfer from other nodes.",
    )
    oms_ship_from_store = fields.Boolean(
        string="Ship from Store", help="A store that may also ship parcels to customers."
    )
    oms_dangerous_certified = fields.Boolean(
        string="Dangerous Goods Certified",
        help="May ship products with a dangerous-goods class.",
    )
    oms_bulky_allowed = fields.Boolean(
        string="Bulky Goods Allowed",
        default=True,
        help="The node may ship products marked as bulky (furniture, appliances).",
    )
    # Capacity, cost, time
    oms_daily_capacity = fields.Integer(
        string="Daily Capacity",
        help="Shipments this node can prepare per day; 0 means no limit.",
    )
    oms_currency_id = fields.Many2one(related="company_id.currency_id")
    oms_handling_cost = fields.Monetary(
        string="Handling Cost",
        currency_field="oms_currency_id",
        help="Cost of preparing one shipment here, in the company's currency; added to the "
        "carrier's cost when plans are compared.",
    )
    oms_handling_days = fields.Integer(
        string="Handling Time (days)",
        default=0,
        help="Working days from release to a parcel ready for the carrier "
        "(0: ships the same day when released before the cutoff).",
    )
    oms_cutoff_hour = fields.Float(
        string="Cutoff",
        default=14.0,
        help="Orders released after this time of day (the node's local time) are prepared "
        "the next working day.",
    )
    oms_working_day_ids = fields.Many2many(
        "oms.weekday",
        "oms_warehouse_weekday_rel",
        "warehouse_id",
        "weekday_id",
        string="Working Days",
        default=lambda self: self.env["oms.weekday"]._default_working_days(),
        help="Days the node prepares shipments; public holidays of its country are days off "
        "too. None ticked: Monday to Friday.",
    )

    @api.depends("partner_id")
    def _compute_oms_coordinates(self):
        # partner_latitude exists only with base_geolocalize; without it the node keeps the
        # coordinates typed in by hand.
        geolocated = "partner_latitude" in self.env["res.partner"]._fields
        for warehouse in self:
            partner = warehouse.partner_id
            if geolocated and partner and (partner.partner_latitude or partner.partner_longitude):
                warehouse.oms_latitude = partner.partner_latitude
                warehouse.oms_longitude = partner.partner_longitude
            else:
                warehouse.oms_latitude = warehouse.oms_latitude or 0.0
                warehouse.oms_longitude = warehouse.oms_longitude or 0.0

    @api.depends("partner_id.country_id", "company_id")
    def _compute_oms_country_id(self):
        for warehouse in self:
            warehouse.oms_country_id = (
                warehouse.partner_id.country_id or warehouse.company_id.country_id
            )

    def _oms_network_relevant(self, vals):
        # Odoo rewrites warehouses for its own bookkeeping (routes, sequences): only the
        # fields the engine reads matter.
        watched = {"active", "code", "company_id", "partner_id", "name"}
        return any(key.startswith("oms_") or key in watched for key in vals)

    def _oms_timezone(self):
        """The node's local time zone: its address's, else its company's, else UTC."""
        self.ensure_one()
        return self.partner_id.tz or self.company_id.partner_id.tz or "UTC"

    def action_oms_switch_off(self):
        """Failover: list the open deliveries this node would hand over, then switch it off."""
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "oms_omnichannel.oms_node_failover_wizard_action"
        )
        action["context"] = {"default_warehouse_id": self.id}
        return action

    def action_oms_switch_on(self):
        """Route orders to the node again (its chatter tracks who did it)."""
        self.write({"oms_routing_enabled": True})
        return True

    def _oms_open_unstarted_deliveries(self):
        """Deliveries of sale orders leaving these nodes that nobody has started yet."""
        pickings = self.env["stock.picking"].search(
            [
                ("picking_type_id.warehouse_id", "in", self.ids),
                ("state", "not in", ("done", "cancel")),
                ("sale_id", "!=", False),
            ]
        )
        return pickings.filtered(lambda p: not p._oms_is_started())
