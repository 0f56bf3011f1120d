# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import Markup
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from .oms_network import engine
from .oms_order_refund import REFUND_READERS
from .oms_routing_decision import SOURCING_STATUSES

ROUTING_STATES = [
    ("none", "Not routed"),
    ("routed", "Routed"),
    ("backorder", "Partly backordered"),
    ("waiting", "Waiting for stock"),
    ("hold", "On hold"),
    ("cancel", "Cancelled"),
]
# Decisions after which the shop hears of the order's shipments again (order.accepted):
# those that change them. A parcel leaving is told by shipment.shipped, a cancellation by
# order.cancelled.
SHIPMENTS_UNCHANGED = ("delivery_done", "cancel")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    oms_channel_id = fields.Many2one(
        "oms.channel",
        string="Channel",
        check_company=True,
        index=True,
        copy=True,
        help="Where the order came from (web shop, marketplace, phone, store): it decides "
        "which nodes may sell and how missing stock is handled.",
    )
    oms_service_level = fields.Selection(
        [("standard", "Standard"), ("express", "Express")],
        string="Service Level",
        default="standard",
        required=True,
        help="The carrier service the customer chose: express only uses express services.",
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
        help="The store where the customer collects the order.",
    )
    oms_allow_split = fields.Boolean(
        string="Allow Split",
        default=True,
        help="The order may ship in several packages from several nodes.",
    )
    oms_routing_state = fields.Selection(
        ROUTING_STATES,
        string="Routing",
        default="none",
        copy=False,
        index=True,
        readonly=True,
        help="Where the order stands, as its deliveries are now. Routed: every unit has a "
        "node that ships it. Partly backordered: some units wait for stock at the order's "
        "warehouse. Waiting for stock: nothing is released until everything can ship; the "
        "order is routed again automatically. On hold: a person has to decide (re-route, "
        "change or cancel).",
    )
    oms_decision_id = fields.Many2one(
        "oms.routing.decision",
        string="Routing Decision",
        copy=False,
        readonly=True,
        help="The latest decision: it describes the order as it is now.",
    )
    oms_decision_ids = fields.One2many(
        "oms.routing.decision", "sale_order_id", string="Routing History", readonly=True
    )
    oms_promised_date = fields.Datetime(
        string="Promised Delivery",
        copy=False,
        readonly=True,
        help="When the last of the order's parcels arrives, as promised. Empty while the "
        "order is on hold or waits for stock: nothing can be promised then.",
    )
    oms_ready_date = fields.Datetime(
        string="Ready for Pickup",
        copy=False,
        readonly=True,
        help="When a click & collect order will be ready in the store.",
    )
    oms_decision_status = fields.Selection(
        SOURCING_STATUSES,
        string="Sourcing",
        copy=False,
        readonly=True,
        help="Whether every unit of the order has a node that ships it (fully), some units "
        "wait or are held (partially), or none has (nothing).",
    )
    oms_is_split = fields.Boolean(
        string="Split",
        copy=False,
        readonly=True,
        help="The order ships in more than one delivery.",
    )
    oms_package_count = fields.Integer(
        string="Packages",
        copy=False,
        readonly=True,
        help="Parcels the order ships in, as its deliveries are now (a collected order: one "
        "handover).",
    )
    oms_explanation_html = fields.Html(related="oms_decision_id.explanation_html", string="Why")
    oms_is_late = fields.Boolean(
        string="Late",
        compute="_compute_oms_is_late",
        search="_search_oms_is_late",
        help="Promised date passed and not fully delivered.",
    )
    oms_can_reroute = fields.Boolean(compute="_compute_oms_can_reroute")

    # What ``oms.intake`` keeps on an order to stay idempotent and to answer the shop.
    oms_external_id = fields.Char(
        string="External Order ID",
        copy=False,
        index="btree_not_null",
        help="The shop's id of this order, unique per channel.",
    )
    oms_external_version = fields.Char(
        string="External Version",
        copy=False,
        help="Last version of the shop's order applied here (the shop's updated_at in ms). "
        "Kept as text: it may exceed a 32-bit integer.",
    )
    oms_external_name = fields.Char(
        string="Shop Order Number", copy=False, help="The order number the customer sees."
    )
    oms_reservation_id = fields.Char(
        string="Checkout Reservation",
        copy=False,
        help="Checkout hold converted into this order by the sync service.",
    )
    oms_payment_status = fields.Selection(
        [("pending", "Pending"), ("authorized", "Authorized"), ("paid", "Paid")],
        string="Payment Status",
        copy=False,
        tracking=True,
    )
    oms_payment_method = fields.Char(string="Payment Method", copy=False)
    oms_payment_reference = fields.Char(string="Payment Reference", copy=False)
    oms_payment_amount = fields.Monetary(string="Amount Paid", copy=False)
    oms_shipping_price = fields.Monetary(
        string="Shipping Paid", copy=False, help="Shipping price the customer paid in the shop."
    )

    _sql_constraints = [
        (
            "oms_external_id_channel_unique",
            "unique(oms_channel_id, oms_external_id)",
            "An external order id must be unique per channel.",
        ),
    ]

    oms_refund_ids = fields.One2many(
        "oms.order.refund", "sale_order_id", string="Shop Refunds", groups=REFUND_READERS
    )
    oms_refund_count = fields.Integer(compute="_compute_oms_refund_count", groups=REFUND_READERS)

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

    def _oms_reroute(
        self, trigger="reroute", excluded_warehouses=None, pickings=None, changes=None
    ):
        """Cancel the unstarted deliveries (all, or ``pickings``) and route their quantities
        again, leaving ``excluded_warehouses`` out.

        Started deliveries (something picked, done, or moved through an earlier step) stay
        as they are. ``changes``: what led to it, as statements of
        ``oms.routing.explanation`` (default: said from ``trigger``). Each cancelled
        delivery says why in its chatter; the order's new decision says it in the order's.
        """
        decisions = self.env["oms.routing.decision"]
        excluded_warehouses = excluded_warehouses or self.env["stock.warehouse"]
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
            if any(p.oms_shipment_kind in ("transfer", "pickup") for p in to_cancel):
                # A pickup is planned as a whole: the store's handover counts the transferred
                # goods as procured, and its transfers exist only for it.
                to_cancel |= unstarted.filtered(
                    lambda p: p.oms_shipment_kind in ("transfer", "pickup")
                )
            order_changes = list(
                changes
                if changes is not None
                else order._oms_reroute_changes(trigger, excluded_warehouses)
            )
            if to_cancel:
                reason = " ".join(
                    self.env["oms.routing.explanation"]._render(order_changes, order.company_id)
                )
                to_cancel._oms_log_cancellation(reason)
                to_cancel.with_context(oms_internal_cancel=True).action_cancel()
                order_changes.append(
                    {"code": "replanned", "pickings": ", ".join(to_cancel.mapped("name"))}
                )
            decisions |= self.env["oms.router"]._route_lines(
                order._oms_routable_lines(),
                trigger=trigger,
                excluded_warehouses=excluded_warehouses,
                changes={order.id: order_changes},
            )
        return decisions

    def _oms_reroute_changes(self, trigger, excluded_warehouses):
        """What a re-route of ``trigger`` says happened, as statements."""
        user = self.env.user.name
        if trigger == "failover":
            return [{"code": "failover", "node": excluded_warehouses[:1].id, "user": user}]
        if trigger == "retry":
            return [{"code": "retry"}]
        return [{"code": "rerouted", "user": user, "nodes": excluded_warehouses.ids}]

    # ------------------------------------------------------------------ summary and history

    def _oms_record_change(self, trigger, changes=(), unsourced_reason="on_hold"):
        """Record a change of routed orders that the router did not plan (a quantity
        lowered, a delivery cancelled or shipped, the order cancelled): a new current
        decision - the history row - that says what changed (``changes``, statements of
        ``oms.routing.explanation``) and describes the order as its deliveries are now, and
        the order's summary fields to match. Orders never routed are left alone."""
        # Bookkeeping on behalf of whoever made the change (store staff validating their
        # parcel, say): the summary reads every delivery of the order, also those of stores
        # they do not see, and writes the order's summary fields.
        Decision = self.env["oms.routing.decision"].sudo()
        decisions = Decision
        summary_model = self.env["oms.routing.summary"].sudo()
        for order in self.sudo().filtered("oms_decision_id"):
            previous_state = order.oms_routing_state
            summary = summary_model._summary_of(order)
            order.oms_decision_ids.filtered("is_current").is_current = False
            decision = Decision.create(
                {
                    "sale_order_id": order.id,
                    "policy_id": order.oms_decision_id.policy_id.id,
                    "trigger": trigger,
                    "method": "",
                    **summary_model._decision_vals(summary),
                    "line_ids": [
                        Command.create(vals)
                        for vals in summary_model._decision_line_vals(summary, unsourced_reason)
                    ],
                    "explanation_data": {
                        "now": summary_model._statements(summary),
                        "changes": list(changes),
                        "plan": [],
                    },
                }
            )
            order._oms_apply_summary(summary, decision, previous_state)
            decisions |= decision
        decisions._log_on_orders()
        return decisions

    def _oms_apply_summary(self, summary, decision, previous_state):
        """Make the order show ``summary`` (``oms.routing.summary``) with ``decision`` as its
        current decision; a person is asked to decide when it goes on hold, and the shop
        hears of the new shipments."""
        self.ensure_one()
        self.write(
            {**self.env["oms.routing.summary"]._order_vals(summary), "oms_decision_id": decision.id}
        )
        state = summary["state"]
        if state == "hold" and previous_state != "hold":
            self._oms_schedule_hold_activity(decision)
        elif state != "hold" and previous_state == "hold":
            self._oms_close_hold_activities(decision)
        if decision.trigger not in SHIPMENTS_UNCHANGED:
            self._oms_enqueue("order.accepted")

    def _oms_schedule_hold_activity(self, decision):
        """A to-do for the order's responsible: decide what happens to the held order."""
        self.ensure_one()
        paragraphs = decision._explanation_paragraphs(
            parts=("changes", "now", "plan"), plan_codes=("not_sourced",)
        )
        self.activity_schedule(
            "oms_omnichannel.mail_activity_type_oms_hold",
            summary=self.env._("Order on hold: decide what ships"),
            note=Markup("").join(Markup("<p>%s</p>") % p for p in paragraphs),
            user_id=self._oms_responsible_user().id,
        )

    def _oms_close_hold_activities(self, decision):
        labels = dict(decision._fields["trigger"]._description_selection(self.env))
        self.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref(
                    "oms_omnichannel.mail_activity_type_oms_hold", raise_if_not_found=False
                )
            )
        ).action_feedback(feedback=labels.get(decision.trigger, ""))

    def _oms_responsible_user(self):
        """Who decides about this order when routing needs a person: its salesperson when
        that is a person, else the company's OMS responsible, else an OMS manager - never
        OdooBot, the superuser or the sync service's technical user."""
        self.ensure_one()
        if self._oms_is_person(self.user_id):
            return self.user_id
        responsible = self.company_id.oms_responsible_user_id
        if self._oms_is_person(responsible):
            return responsible
        managers = self.env.ref("oms_omnichannel.group_oms_manager").sudo().users
        person = managers.filtered(self._oms_is_person).sorted("id")[:1]
        return person or self.env.user

    def _oms_is_person(self, user):
        return bool(
            user
            and user.active
            and not user.share
            and not user._is_superuser()
            and user != self.env.ref("base.user_root", raise_if_not_found=False)
            and not user.has_group("oms_omnichannel.group_oms_integration")
        )

    def _oms_on_shipping_address_changed(self, previous_addresses):
        """The delivery address of confirmed, routed orders changed
        (``previous_addresses``: ``{order id: partner}``). Never ship with a carrier that
        does not serve the new address: a delivery already being prepared for such a
        carrier refuses the change; the deliveries nobody started are planned again for the
        new address (a carrier that serves it, its promise). Collected orders go to their
        store whatever the address.

        The hook for customer service's change flow: it may call it, or override it to
        ask before re-routing."""
        router = self.env["oms.router"]
        for order in self.filtered(
            lambda o: o.state == "sale" and o.oms_decision_id and o.oms_delivery_mode == "ship"
        ):
            address = order.partner_shipping_id
            if address == previous_addresses.get(order.id):
                continue
            open_deliveries = order.picking_ids.filtered(
                lambda p: p.oms_shipment_kind == "ship" and p.state not in ("done", "cancel")
            )
            started = open_deliveries.filtered(lambda p: p._oms_is_started())
            stuck = started.filtered(
                lambda p, address=address: (
                    p.carrier_id and not router._carrier_serves(p.carrier_id, address)
                )
            )
            if stuck:
                raise UserError(
                    self.env._(
                        "The delivery address of %(order)s cannot change to %(address)s: "
                        "%(deliveries)s is already being prepared for %(carrier)s, which does "
                        "not deliver there. Cancel that delivery first, or keep the address.",
                        order=order.name,
                        address=address.display_name,
                        deliveries=", ".join(stuck.mapped("name")),
                        carrier=", ".join(stuck.carrier_id.mapped("name")),
                    )
                )
            order._oms_reroute(
                trigger="address",
                pickings=open_deliveries - started,
                changes=[{"code": "address_changed", "partner": address.id}],
            )

    def action_oms_reroute(self):
        """Open the re-route wizard for the selected orders."""
        action = self.env["ir.actions.actions"]._for_xml_id(
            "oms_omnichannel.oms_reroute_wizard_action"
        )
        action["context"] = {"default_sale_order_ids": self.ids}
        return action

    # ------------------------------------------------------------------ intake

    def _oms_external_version_int(self):
        self.ensure_one()
        try:
            return int(self.oms_external_version or 0)
        except ValueError:
            return 0

    # ------------------------------------------------------------------ outbox
    # Order events: accepted (with its shipments) and cancelled.

    def action_confirm(self):
        result = super().action_confirm()
        self._oms_enqueue("order.accepted")
        return result

    def write(self, vals):
        previous_addresses = {}
        if "partner_shipping_id" in vals:
            previous_addresses = {
                order.id: order.partner_shipping_id
                for order in self
                if order.state == "sale" and order.oms_decision_id
            }
        result = super().write(vals)
        if previous_addresses:
            self.filtered(lambda o: o.id in previous_addresses)._oms_on_shipping_address_changed(
                previous_addresses
            )
        return result

    def _action_cancel(self):
        was_open = self.filtered(lambda o: o.state != "cancel")
        routed = was_open.picking_ids.filtered(
            lambda p: p.oms_shipment_kind and p.state not in ("done", "cancel")
        )
        # The deliveries Odoo cancels with the order are the order's business: one history
        # row for the order, not one per delivery.
        result = super(SaleOrder, self.with_context(oms_internal_cancel=True))._action_cancel()
        routed.filtered(lambda p: p.state == "cancel")._oms_log_cancellation(
            self.env._("the order was cancelled.")
        )
        reason = self.env.context.get("oms_cancel_reason") or "cancelled"
        cancelled = was_open.filtered(lambda o: o.state == "cancel")
        cancelled._oms_enqueue("order.cancelled", reason=reason)
        cancelled._oms_record_change(
            "cancel", [{"code": "order_cancelled", "user": self.env.user.name}]
        )
        return result

    def _oms_enqueue(self, topic, **extra):
        orders = self.filtered("oms_channel_id")
        if orders:
            self.env["oms.outbox.event"]._enqueue(topic, orders, **extra)

    # ------------------------------------------------------------------
    # Payload builders, called when the transaction flushes its outbox
    # ------------------------------------------------------------------
    def _oms_outbox_vals(self, topic, payload):
        self.ensure_one()
        return {
            "topic": topic,
            "channel_code": self.oms_channel_id.code,
            "res_model": self._name,
            "res_id": self.id,
            "payload": payload,
        }

    def _oms_outbox_vals_order_accepted(self):
        self.ensure_one()
        if self.state != "sale":
            return None
        return self._oms_outbox_vals(
            "order.accepted",
            {
                "external_id": self.oms_external_id or None,
                "order_name": self.name,
                "order_id": self.id,
                "reservation_id": self.oms_reservation_id or None,
                "shipments": self._oms_planned_shipments(),
            },
        )

    def _oms_outbox_vals_order_cancelled(self, reason="cancelled"):
        self.ensure_one()
        return self._oms_outbox_vals(
            "order.cancelled",
            {
                "external_id": self.oms_external_id or None,
                "order_name": self.name,
                "order_id": self.id,
                "reason": reason,
            },
        )

    def _oms_planned_shipments(self):
        """The shipments the order makes as it is now: none while it is held or waits, the
        first decision's plan right after confirmation (the deliveries are made from it),
        else its deliveries."""
        self.ensure_one()
        decision = self.oms_decision_id
        if self.oms_routing_state in ("hold", "waiting", "cancel"):
            return []
        if decision and decision.trigger == "confirm" and len(self.oms_decision_ids) == 1:
            return self._oms_shipments_from_decision(decision)
        return self._oms_shipments_from_pickings()

    def _oms_shipments_from_decision(self, decision):
        grouped = defaultdict(list)
        for line in decision.line_ids.filtered(lambda d: d.kind == "shipment"):
            grouped[line.shipment_index].append(line)
        shipments = []
        for index in sorted(grouped):
            lines = grouped[index]
            first = lines[0]
            shipments.append(
                {
                    "warehouse": first.warehouse_id.code,
                    "carrier": first.carrier_id.name or None,
                    "carrier_code": first.carrier_id.oms_carrier_code or None,
                    "promised_date": _iso(first.promised_date),
                    "lines": _sku_lines((line.product_id, line.quantity) for line in lines),
                }
            )
        return shipments

    def _oms_shipments_from_pickings(self):
        """The order's parcels (``oms.routing.summary``): each delivery to the customer, at
        its last step so far, with the units it carries that have a source."""
        legs = self.env["oms.routing.summary"]._summary_of(self)["legs"]
        Warehouse, Carrier = self.env["stock.warehouse"], self.env["delivery.carrier"]
        Product = self.env["product.product"]
        shipments = []
        for leg in legs:
            carrier = Carrier.browse(leg["carrier"])
            # A delivery the router did not plan has no promise: its deadline says when.
            picking = self.env["stock.picking"].browse(leg["picking"])
            promised = leg["promised"] or picking.date_deadline or picking.scheduled_date
            shipments.append(
                {
                    "warehouse": Warehouse.browse(leg["node"]).code,
                    "carrier": carrier.name or None,
                    "carrier_code": carrier.oms_carrier_code or None,
                    "promised_date": _iso(promised),
                    "lines": _sku_lines(
                        (Product.browse(product_id), qty) for product_id, qty in leg["items"]
                    ),
                }
            )
        return shipments

    @api.depends("oms_refund_ids")
    def _compute_oms_refund_count(self):
        for order in self:
            order.oms_refund_count = len(order.oms_refund_ids)

    def action_oms_view_refunds(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "oms_omnichannel.oms_order_refund_action"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"default_sale_order_id": self.id}
        if self.oms_refund_count == 1:
            action.update(view_mode="form", res_id=self.oms_refund_ids.id, views=[(False, "form")])
        return action

    # ------------------------------------------------------------------ back office
    # The overview groups and filters orders by their stage in life and by the nodes that
    # carry them; a quotation taken by phone shows what confirming would do
    # (oms.order.preview) and gets the channel of the menu it was created from.

    oms_stage = fields.Selection(
        [
            ("quotation", "Quotation"),
            ("hold", "On hold"),
            ("waiting", "Waiting for stock"),
            ("fulfilment", "In fulfilment"),
            ("ready", "Ready for pickup"),
            ("partial", "Partly delivered"),
            ("done", "Delivered"),
            ("cancel", "Cancelled"),
        ],
        string="Stage",
        compute="_compute_oms_stage",
        store=True,
        index=True,
        group_expand=True,
        help="Where the order is in its life, from its deliveries: quotation; on hold or "
        "waiting for stock (routing found too little stock); in fulfilment; ready for "
        "pickup (click & collect, the goods are in the store); partly delivered; delivered "
        "(or collected); cancelled.",
    )
    oms_node_ids = fields.Many2many(
        "stock.warehouse",
        "oms_sale_order_node_rel",
        "order_id",
        "warehouse_id",
        string="Nodes",
        compute="_compute_oms_node_ids",
        store=True,
        help="The warehouses, stores and suppliers whose deliveries or transfers carry the "
        "order (cancelled ones left out).",
    )
    oms_preview_html = fields.Html(
        string="If Confirmed Now",
        compute="_compute_oms_preview_html",
        sanitize=False,
        help="Before confirming: where the stock is, how the order would ship and when it "
        "would arrive, from the stock and the network as they are now.",
    )

    @api.depends(
        "state",
        "oms_routing_state",
        "oms_delivery_mode",
        "picking_ids.state",
        "picking_ids.picking_type_code",
    )
    def _compute_oms_stage(self):
        for order in self:
            order.oms_stage = order._oms_get_stage()

    def _oms_get_stage(self):
        self.ensure_one()
        if self.state in ("draft", "sent"):
            return "quotation"
        if self.state == "cancel":
            return "cancel"
        deliveries = self.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
        )
        if not deliveries and self.oms_routing_state in ("hold", "waiting"):
            return self.oms_routing_state
        done = deliveries.filtered(lambda p: p.state == "done")
        if deliveries and done == deliveries:
            return "done"
        if done:
            return "partial"
        if (
            self.oms_delivery_mode == "pickup"
            and deliveries
            and all(p.state == "assigned" for p in deliveries)
        ):
            return "ready"
        return "fulfilment"

    @api.depends("picking_ids.state", "picking_ids.picking_type_id")
    def _compute_oms_node_ids(self):
        for order in self:
            pickings = order.picking_ids.filtered(lambda p: p.state != "cancel")
            # A transfer's node is where it leaves from (the store is its destination).
            order.oms_node_ids = pickings.picking_type_id.warehouse_id

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        kind = self.env.context.get("oms_default_channel_kind")
        if kind and "oms_channel_id" in fields_list and not values.get("oms_channel_id"):
            company_id = values.get("company_id") or self.env.company.id
            channel = self.env["oms.channel"].search(
                [("kind", "=", kind), ("company_id", "=", company_id)], limit=1
            )
            values["oms_channel_id"] = channel.id
        return values

    @api.depends(
        "state",
        "partner_shipping_id",
        "oms_channel_id",
        "oms_delivery_mode",
        "oms_pickup_warehouse_id",
        "oms_service_level",
        "oms_allow_split",
        "order_line.product_id",
        "order_line.product_uom_qty",
        "order_line.product_uom",
    )
    def _compute_oms_preview_html(self):
        previewer = self.env["oms.order.preview"]
        for order in self:
            preview = previewer._preview(order)
            order.oms_preview_html = preview and self.env["ir.qweb"]._render(
                "oms_omnichannel.sale_order_preview", previewer._summary(order, preview)
            )


def _iso(value):
    return value and fields.Datetime.to_string(value).replace(" ", "T") + "Z"


def _sku_lines(product_quantities):
    totals = defaultdict(float)
    for product, quantity in product_quantities:
        totals[product.default_code or ""] += quantity
    return [{"sku": sku, "quantity": quantity} for sku, quantity in totals.items()]
