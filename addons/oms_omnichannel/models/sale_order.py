from odoo import api, fields, models
from odoo.exceptions import UserError

from .oms_network import engine


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
    oms_decision_status = fields.Selection(
        related="oms_decision_id.status",
        string="Sourcing",
        store=True,
        help="Whether the current routing decision sourced everything, part or nothing.",
    )
    oms_is_split = fields.Boolean(related="oms_decision_id.is_split", string="Split", store=True)
    oms_package_count = fields.Integer(related="oms_decision_id.package_count", string="Packages")
    oms_explanation_html = fields.Html(related="oms_decision_id.explanation_html", string="Why")
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

    # ------------------------------------------------------------------ routing

    def _oms_routing_applies(self):
        """Whether confirming this order routes it across the network."""
        self.ensure_one()
        return (
            engine is not None
            and not self.env.context.get("oms_skip_routing")
            and self.company_id.oms_routing_active
            and self.state == "sale"
            and not self.locked
        )

    def _oms_get_sourcing_policy(self):
        self.ensure_one()
        if self.oms_channel_id:
            return self.oms_channel_id._get_sourcing_policy()
        return self.env["oms.sourcing.policy"]._get_default_policy()

    def _oms_routable_lines(self):
        return self.order_line.filtered(lambda line: line._oms_is_routable())

    def _oms_reroute(self, trigger="reroute", excluded_warehouses=None, pickings=None):
        """Cancel the unstarted deliveries (all, or ``pickings``) and route their quantities
        again, leaving ``excluded_warehouses`` out.

        Started deliveries (something picked or done) stay as they are.
        """
        decisions = self.env["oms.routing.decision"]
        for order in self:
            if order.state != "sale":
                raise UserError(
                    self.env._("Only confirmed orders can be re-routed (%s).", order.name)
                )
            candidates = order.picking_ids if pickings is None else pickings & order.picking_ids
            unstarted = order.picking_ids.filtered(
                lambda p: p.state not in ("done", "cancel") and not p._oms_is_started()
            )
            to_cancel = candidates & unstarted
            if any(p.oms_shipment_kind == "transfer" for p in to_cancel):
                # The store's handover counts the transferred goods as procured: plan the
                # pickup again as a whole, or nothing would bring them to the store.
                to_cancel |= unstarted.filtered(lambda p: p.oms_shipment_kind == "pickup")
            to_cancel.action_cancel()
            if order.oms_routing_state == "hold":
                order.activity_ids.filtered(
                    lambda a: (
                        a.activity_type_id
                        == self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
                    )
                ).action_feedback(feedback=self.env._("Re-routed."))
            decisions |= self.env["oms.router"]._route_lines(
                order._oms_routable_lines(),
                trigger=trigger,
                excluded_warehouses=excluded_warehouses,
            )
        return decisions

    def action_oms_reroute(self):
        """Open the re-route wizard for the selected orders."""
        action = self.env["ir.actions.actions"]._for_xml_id(
            "oms_omnichannel.oms_reroute_wizard_action"
        )
        action["context"] = {"default_sale_order_ids": self.ids}
        return action
