# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup
from odoo import api, fields, models

try:  # the manifest's external dependency; the rule is shared with the sync service
    from oms_engine.tracking import scan_moves_parcel
except ImportError:  # pragma: no cover
    scan_moves_parcel = None

# The carriers' statuses (docs/contracts.md, apply_tracking); which scan moves a parcel is
# oms_engine.tracking's rule.
TRACKING_STATUSES = [
    ("pre_transit", "Label created"),
    ("in_transit", "In transit"),
    ("out_for_delivery", "Out for delivery"),
    ("delivered", "Delivered"),
    ("available_for_pickup", "Available for pickup"),
    ("return_to_sender", "Returned to sender"),
    ("failure", "Delivery failed"),
    ("exception", "Exception"),
    ("unknown", "Unknown"),
]
TRACKING_CODES = frozenset(code for code, _label in TRACKING_STATUSES)
# Event ids kept per delivery to recognise carriers' redeliveries.
TRACKING_EVENT_MEMORY = 200
# The "This transfer has been created from: S00042" note sale_stock posts on a new delivery.
ORIGIN_NOTE = "mail.message_origin_link"


class StockPicking(models.Model):
    _inherit = "stock.picking"

    oms_decision_id = fields.Many2one(
        "oms.routing.decision",
        string="Routing Decision",
        copy=False,
        index="btree_not_null",
        help="The routing decision that planned this delivery.",
    )
    oms_promised_date = fields.Datetime(
        string="Promised Delivery",
        copy=False,
        help="When the customer was promised these goods (collected orders: when they are "
        "ready in the store).",
    )
    oms_shipment_kind = fields.Selection(
        [("ship", "Shipment"), ("pickup", "Pickup in store"), ("transfer", "Transfer to store")],
        string="OMS Role",
        copy=False,
        help="What this transfer is for the order: a parcel to the customer, the handover "
        "of a click & collect order in the store, or a transfer bringing goods to that "
        "store. Empty: not planned by routing.",
    )

    # Carrier tracking status, applied by ``oms.intake.apply_tracking``.
    oms_tracking_status = fields.Selection(
        TRACKING_STATUSES, string="Tracking Status", copy=False, index="btree_not_null"
    )
    oms_tracking_date = fields.Datetime(string="Last Carrier Scan", copy=False)
    oms_tracking_location = fields.Char(string="Last Scan Location", copy=False)
    oms_tracking_message = fields.Char(string="Last Carrier Message", copy=False)
    oms_tracking_event_ids = fields.Json(
        string="Carrier Events Seen", copy=False, help="Event ids already applied."
    )

    def _oms_is_started(self):
        """Started = done, or someone already picked something (quantities marked picked),
        or the goods already moved through an earlier step (pick, pack) of the delivery.

        Reserved-but-untouched deliveries are not started: cancelling them only releases the
        reservation.
        """
        self.ensure_one()
        if self.state == "done":
            return True
        if self.state == "cancel":
            return False
        return any(
            move.picked or any(orig.state == "done" for orig in move.move_orig_ids)
            for move in self.move_ids
        )

    def _oms_is_customer_leg(self):
        """Whether this is, for now, the step that takes goods to the customer: a delivery
        (or a store's handover), not cancelled, whose goods did not go on to a next step.

        At a warehouse that picks, packs, then ships, that is the pick until it is done,
        then the pack, then the parcel that leaves; transfers to a store are not."""
        self.ensure_one()
        if self.state == "cancel" or self.oms_shipment_kind == "transfer":
            return False
        if self.picking_type_code != "outgoing" and self.oms_shipment_kind not in (
            "ship",
            "pickup",
        ):
            return False
        return not self.move_ids.move_dest_ids.filtered(lambda m: m.state != "cancel")

    def _create_backorder(self, backorder_moves=None):
        # The rest of a routed delivery is still routed: same decision, role, promise.
        backorders = super()._create_backorder(backorder_moves=backorder_moves)
        for backorder in backorders:
            original = backorder.backorder_id
            if original.oms_shipment_kind and not backorder.oms_shipment_kind:
                backorder.write(
                    {
                        "oms_decision_id": original.oms_decision_id.id,
                        "oms_promised_date": original.oms_promised_date,
                        "oms_shipment_kind": original.oms_shipment_kind,
                    }
                )
        return backorders

    # ------------------------------------------------------------------ changes

    def action_cancel(self):
        # A person cancelled routed deliveries: the order's summary says what is left. The
        # OMS's own cancellations (re-route, order cancelled) say it themselves.
        routed = self.filtered(
            lambda p: (
                p.oms_shipment_kind in ("ship", "pickup") and p.state not in ("done", "cancel")
            )
        )
        result = super().action_cancel()
        if routed and not self.env.context.get("oms_internal_cancel"):
            routed = routed.filtered(lambda p: p.state == "cancel")
            for order in routed.sale_id:
                changes = [
                    {
                        "code": "delivery_cancelled",
                        "picking": picking.name,
                        "user": self.env.user.name,
                    }
                    for picking in routed.filtered(lambda p, order=order: p.sale_id == order)
                ]
                order._oms_record_change(
                    "delivery_cancelled", changes, unsourced_reason="delivery_cancelled"
                )
        return result

    def _oms_log_cancellation(self, reason):
        """Say on each delivery of ``self`` why the OMS cancelled it (``reason``: a sentence
        already in words)."""
        if not self:
            return
        body = Markup("<p>%s</p>") % self.env._("Cancelled by the order management: %s", reason)
        self._message_log_batch(bodies=dict.fromkeys(self.ids, body))

    # ------------------------------------------------------------------ chatter

    def message_post_with_source(self, source_ref, render_values=None, **kwargs):
        # During a routing run (``oms_routing_run`` in the context) the "created from" note
        # of each new delivery is kept for the router, which logs it on all of them at once
        # after the run (``_oms_log_origin_note``): posting renders and creates it delivery by
        # delivery.
        run = self.env.context.get("oms_routing_run")
        if (
            run is not None
            and source_ref == ORIGIN_NOTE
            and len(self) == 1
            and kwargs == {"subtype_xmlid": "mail.mt_note"}
            and set(render_values or ()) == {"self", "origin"}
            and render_values["self"] == self
        ):
            run.origin_notes.append((self, render_values["origin"]))
            return self.env["mail.message"]
        return super().message_post_with_source(source_ref, render_values=render_values, **kwargs)

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        # During a routing run, each new delivery subscribes its customer (stock.picking's
        # create): kept for the router, which subscribes them on all deliveries at once after
        # the run (``_oms_subscribe_kept``).
        run = self.env.context.get("oms_routing_run")
        if run is not None and self and partner_ids:
            run.subscriptions.append(
                (self, tuple(partner_ids), tuple(subtype_ids) if subtype_ids else None)
            )
            return True
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    @api.model
    def _oms_subscribe_kept(self, subscriptions):
        """Apply the subscriptions a routing run kept: one ``message_subscribe`` per set of
        partners and subtypes, on all the deliveries that asked for it."""
        batches = {}
        for pickings, partner_ids, subtype_ids in subscriptions:
            key = (pickings.env, partner_ids, subtype_ids)
            batches.setdefault(key, []).extend(pickings.ids)
        for (env, partner_ids, subtype_ids), ids in batches.items():
            pickings = self.with_env(env).browse(ids).with_context(oms_routing_run=None)
            pickings.message_subscribe(partner_ids=list(partner_ids), subtype_ids=subtype_ids)

    def _oms_log_origin_note(self, origin):
        """Odoo's "created from ``origin``" note on every delivery of ``self``: the same body
        sale_stock posts (a note, by the current user), rendered once and logged in one batch.

        Logging skips the notification pass of a post: a note reaches only followers who
        chose the "Note" subtype, and a delivery just created has none (followers are
        subscribed with the default subtypes, which do not include notes)."""
        if not self:
            return self.env["mail.message"]
        return self._message_log_batch(bodies=self._oms_origin_note_bodies(origin))

    def _oms_origin_note_bodies(self, origin):
        """``{delivery id: body}`` of the "created from ``origin``" note, rendered once."""
        if not self:
            return {}
        first = self[:1]
        body = self.env["mail.render.mixin"]._render_template_qweb_view(
            ORIGIN_NOTE, self._name, first.ids, add_context={"self": first, "origin": origin}
        )[first.id]
        return dict.fromkeys(self.ids, body)

    # ------------------------------------------------------------------ outbox

    def _action_done(self):
        result = super()._action_done()
        self._oms_enqueue_shipped()
        self._oms_record_shipped()
        return result

    def _oms_record_shipped(self):
        """A routed parcel left (or a collected order was handed over): a history row on the
        order, whose summary now counts it as shipped (and its rest, if any, as a parcel of
        its own)."""
        left = self.filtered(
            lambda p: (
                p.state == "done"
                and p.picking_type_code == "outgoing"
                and p.oms_shipment_kind in ("ship", "pickup")
            )
        )
        for order in left.sale_id:
            changes = []
            for picking in left.filtered(lambda p, order=order: p.sale_id == order):
                rest = picking.backorder_ids.filtered(lambda p: p.state != "cancel")[:1]
                changes.append(
                    {
                        "code": "delivery_done_rest" if rest else "delivery_done",
                        "picking": picking.name,
                        "node": picking.picking_type_id.warehouse_id.id,
                        "backorder": rest.name or "",
                    }
                )
            order._oms_record_change("delivery_done", changes)

    def write(self, vals):
        result = super().write(vals)
        if vals.get("carrier_tracking_ref"):
            # A tracking number typed after validation: tell the shop again, with it.
            self._oms_enqueue_shipped()
        return result

    def _oms_enqueue_shipped(self):
        shipped = self.filtered(
            lambda p: (
                p.state == "done" and p.picking_type_code == "outgoing" and p.sale_id.oms_channel_id
            )
        )
        if shipped:
            self.env["oms.outbox.event"]._enqueue("shipment.shipped", shipped)

    def _oms_outbox_vals_shipment_shipped(self):
        self.ensure_one()
        order = self.sale_id
        if self.state != "done" or not order:
            return None
        lines = []
        for move in self.move_ids.filtered(lambda m: m.state == "done"):
            quantity = move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id)
            lines.append(
                {
                    "sku": move.product_id.default_code or "",
                    "quantity": quantity,
                    "external_line_id": move.sale_line_id.oms_external_line_id or None,
                }
            )
        return {
            "topic": "shipment.shipped",
            "channel_code": order.oms_channel_id.code,
            "res_model": self._name,
            "res_id": self.id,
            "payload": {
                "external_id": order.oms_external_id or None,
                "order_name": order.name,
                "picking_id": self.id,
                "picking_name": self.name,
                "warehouse": self.picking_type_id.warehouse_id.code,
                "carrier": self.carrier_id.name or None,
                "carrier_code": self.carrier_id.oms_carrier_code or None,
                "tracking_number": self.carrier_tracking_ref or None,
                "tracking_url": self.carrier_tracking_url or None,
                "lines": lines,
            },
        }
