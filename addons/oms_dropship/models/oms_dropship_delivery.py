# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A delivery offered to a drop-ship supplier, and what the supplier does with it.

One row per delivery (``stock.picking``) the router sends to a drop-ship node. It is what a
supplier's portal users see - the delivery's reference, its items and where it goes (name,
address, phone: nothing else of the customer) - and what they change, through the portal's
controllers only: the model has no public method, portal users may only read it (rules:
their nodes' rows).
"""

import math
from datetime import timedelta

from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

STATES = [
    ("new", "Waiting for your answer"),
    ("accepted", "To ship"),
    ("shipped", "Shipped"),
    ("rejected", "Turned down"),
    ("cancelled", "Cancelled"),
]
OPEN_STATES = ("new", "accepted")
SIGNAL_SOURCE = "oms_dropship"
MAX_TRACKING = 64
MAX_REASON = 1000


class OmsDropshipDelivery(models.Model):
    _name = "oms.dropship.delivery"
    _description = "Drop-ship Delivery"
    _order = "offered_date desc, id desc"
    _check_company_auto = True

    picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    name = fields.Char(related="picking_id.name", string="Reference")
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Supplier",
        required=True,
        readonly=True,
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    order_reference = fields.Char(
        compute="_compute_order_reference",
        string="Order",
        help="The order number the customer knows (the shop's, else the OMS's).",
    )
    state = fields.Selection(STATES, required=True, default="new", readonly=True, index=True)
    offered_date = fields.Datetime(string="Received", required=True, readonly=True)
    accept_deadline = fields.Datetime(string="Accept By", readonly=True)
    ship_deadline = fields.Datetime(string="Ship By", readonly=True)
    accepted_date = fields.Datetime(string="Accepted", readonly=True)
    accepted_by_id = fields.Many2one("res.users", readonly=True)
    shipped_date = fields.Datetime(string="Shipped", readonly=True)
    rejected_date = fields.Datetime(string="Turned Down", readonly=True)
    rejected_by_id = fields.Many2one("res.users", string="Turned Down By", readonly=True)
    reject_reason = fields.Text(string="Why Turned Down", readonly=True)
    accept_late = fields.Boolean(
        string="Accepted Late",
        readonly=True,
        index=True,
        help="Not accepted within the supplier's accept time.",
    )
    ship_late = fields.Boolean(
        string="Shipped Late",
        readonly=True,
        index=True,
        help="Not shipped within the supplier's ship time.",
    )
    is_late = fields.Boolean(
        string="Late",
        compute="_compute_is_late",
        store=True,
        help="Accepted or shipped later than the supplier's SLA allows.",
    )
    carrier_name = fields.Char(related="picking_id.carrier_id.name", string="Carrier")
    tracking_ref = fields.Char(related="picking_id.carrier_tracking_ref", string="Tracking Number")
    # Where it goes: the delivery address, as shipping needs it - nothing else of the
    # customer (no e-mail, no order amounts, no other orders).
    ship_name = fields.Char(related="picking_id.partner_id.name", string="Ship To")
    ship_street = fields.Char(related="picking_id.partner_id.street", string="Street")
    ship_street2 = fields.Char(related="picking_id.partner_id.street2", string="Street 2")
    ship_zip = fields.Char(related="picking_id.partner_id.zip", string="Postal Code")
    ship_city = fields.Char(related="picking_id.partner_id.city", string="City")
    ship_state = fields.Char(related="picking_id.partner_id.state_id.name", string="Region")
    ship_country = fields.Char(related="picking_id.partner_id.country_id.name", string="Country")
    ship_phone = fields.Char(compute="_compute_ship_phone", string="Phone")
    lines_summary = fields.Char(compute="_compute_lines_summary", string="Items")

    _sql_constraints = [
        ("picking_unique", "unique(picking_id)", "A delivery is offered to its supplier once."),
    ]

    @api.depends("picking_id.sale_id")
    def _compute_order_reference(self):
        for delivery in self:
            order = delivery.picking_id.sudo().sale_id
            delivery.order_reference = order.oms_external_name or order.name or ""

    @api.depends("picking_id.partner_id")
    def _compute_ship_phone(self):
        for delivery in self:
            partner = delivery.picking_id.sudo().partner_id
            delivery.ship_phone = partner.phone or partner.mobile or ""

    @api.depends("picking_id.move_ids.product_uom_qty")
    def _compute_lines_summary(self):
        for delivery in self:
            delivery.lines_summary = ", ".join(
                f"{qty:g} x {product.display_name}"
                for product, qty in delivery._oms_items().items()
            )

    @api.depends("accept_late", "ship_late")
    def _compute_is_late(self):
        for delivery in self:
            delivery.is_late = delivery.accept_late or delivery.ship_late

    def _oms_moves(self):
        self.ensure_one()
        return self.picking_id.sudo().move_ids.filtered(lambda m: m.state != "cancel")

    def _oms_items(self):
        items = {}
        for move in self._oms_moves():
            items[move.product_id] = items.get(move.product_id, 0.0) + move.product_uom_qty
        return items

    # ------------------------------------------------------------------ offering

    @api.model
    def _oms_offer(self, pickings):
        """Offer each open delivery of a drop-ship node among ``pickings`` to its supplier
        (once: a delivery already offered is left alone). Returns the rows created."""
        todo = pickings.sudo().filtered(
            lambda p: (
                p.picking_type_code == "outgoing"
                and p.oms_shipment_kind == "ship"
                and p.picking_type_id.warehouse_id.oms_node_kind == "dropship"
                and p.state not in ("done", "cancel")
                and p.sale_id
            )
        )
        if not todo:
            return self.browse()
        known = set(self.sudo().search([("picking_id", "in", todo.ids)]).picking_id.ids)
        now = fields.Datetime.now()
        vals_list = [
            self._oms_offer_vals(picking, now) for picking in todo if picking.id not in known
        ]
        return self.sudo().create(vals_list).with_env(self.env)

    @api.model
    def _oms_offer_vals(self, picking, now):
        node = picking.picking_type_id.warehouse_id
        accept, ship = node.oms_dropship_accept_hours, node.oms_dropship_ship_hours
        return {
            "picking_id": picking.id,
            "warehouse_id": node.id,
            "company_id": picking.company_id.id,
            "offered_date": now,
            "accept_deadline": now + timedelta(hours=accept) if accept else False,
            "ship_deadline": now + timedelta(hours=ship) if ship else False,
        }

    @api.model
    def _oms_offer_open(self):
        """Offer every open drop-ship delivery that was never offered (install, repairs)."""
        pickings = (
            self.env["stock.picking"]
            .sudo()
            .search(
                [
                    ("picking_type_code", "=", "outgoing"),
                    ("oms_shipment_kind", "=", "ship"),
                    ("picking_type_id.warehouse_id.oms_node_kind", "=", "dropship"),
                    ("state", "not in", ("done", "cancel")),
                    ("oms_dropship_delivery_ids", "=", False),
                ]
            )
        )
        return self._oms_offer(pickings)

    # ------------------------------------------------------------------ the supplier's steps

    def _oms_lock(self):
        """Take the row for this transaction: two people answering at once do it in turn."""
        self.env.cr.execute(
            "SELECT id FROM oms_dropship_delivery WHERE id IN %s FOR UPDATE", (tuple(self.ids),)
        )
        self.invalidate_recordset()

    def _oms_check_open(self, states=OPEN_STATES):
        self.ensure_one()
        if self.state not in states:
            label = dict(self._fields["state"]._description_selection(self.env))[self.state]
            raise UserError(
                self.env._(
                    'This cannot be done on delivery %(name)s now: its status is "%(state)s".',
                    name=self.name,
                    state=label,
                )
            )

    def _oms_accept(self):
        """The supplier takes the delivery: it is theirs to ship now."""
        self.ensure_one()
        self._oms_lock()
        self._oms_check_open(("new",))
        now = fields.Datetime.now()
        late = bool(self.accept_deadline and now > self.accept_deadline)
        self.sudo().write(
            {
                "state": "accepted",
                "accepted_date": now,
                "accepted_by_id": self.env.uid,
                "accept_late": self.accept_late or late,
            }
        )
        Signal = self.env["oms.node.signal"].sudo()
        common = {
            "source": SIGNAL_SOURCE,
            "warehouse": self.warehouse_id,
            "key": f"dropship delivery {self.id}",
            "record": self.picking_id,
        }
        Signal._record("accept", _minutes(now - self.offered_date), **common)
        if late:
            Signal._record("accept_late", _minutes(now - self.accept_deadline), **common)
        self._oms_log(self.env._("%(user)s accepted the delivery for the supplier."))
        return True

    def _oms_reject(self, reason):
        """The supplier will not ship it: the order is routed again without this node (and
        without every supplier that already turned it down)."""
        self.ensure_one()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why you turn the delivery down."))
        if len(reason) > MAX_REASON:
            raise UserError(self.env._("Keep the reason under %s characters.", f"{MAX_REASON:,}"))
        self._oms_lock()
        self._oms_check_open()
        picking = self.picking_id.sudo()
        if picking._oms_is_started():
            raise UserError(
                self.env._(
                    "Part of delivery %s has left already: ship what you can, the rest cannot "
                    "be turned down here. Contact the retailer.",
                    self.name,
                )
            )
        self.sudo().write(
            {
                "state": "rejected",
                "rejected_date": fields.Datetime.now(),
                "rejected_by_id": self.env.uid,
                "reject_reason": reason,
            }
        )
        self.env["oms.node.signal"].sudo()._record(
            "reject",
            1.0,
            source=SIGNAL_SOURCE,
            warehouse=self.warehouse_id,
            key=f"dropship delivery {self.id}",
            record=picking,
        )
        self._oms_log(self.env._("%(user)s turned the delivery down for the supplier: %(reason)s"))
        order = picking.sale_id
        turned_down = (
            self.sudo()
            .search([("picking_id.sale_id", "=", order.id), ("state", "=", "rejected")])
            .warehouse_id
        )
        promised_before = order.oms_promised_date
        order.sudo()._oms_reroute(
            trigger="dropship_rejected",
            excluded_warehouses=turned_down | self.warehouse_id,
            pickings=picking,
            changes=[
                {
                    "code": "dropship_rejected",
                    "node": self.warehouse_id.id,
                    "user": self.env.user.name,
                    "note": reason,
                }
            ],
        )
        if (
            order.oms_promised_date
            and promised_before
            and order.oms_promised_date > promised_before
        ):
            order._oms_notify_customer(
                "delayed", key=f"dropship-reroute-{self.id}", promised_date=order.oms_promised_date
            )
        return True

    def _oms_ship(self, carrier, tracking_ref, quantities=None):
        """The supplier handed the parcel to ``carrier`` with ``tracking_ref``.

        ``quantities``: ``{stock.move id: quantity shipped}`` for a partial shipment (moves
        left out ship in full); what is not shipped stays the supplier's to ship, as a
        backorder. The delivery's validation tells the shop (outbox ``shipment.shipped``) and
        the customer ("your parcel is on its way"), as for any parcel.
        """
        self.ensure_one()
        self._oms_lock()
        self._oms_check_open(("accepted",))
        tracking_ref = (tracking_ref or "").strip()
        if not carrier:
            raise UserError(self.env._("Choose the carrier that takes the parcel."))
        if not tracking_ref:
            raise UserError(self.env._("Enter the parcel's tracking number."))
        if len(tracking_ref) > MAX_TRACKING or any(c.isspace() for c in tracking_ref):
            raise UserError(
                self.env._("A tracking number is one word of at most %s characters.", MAX_TRACKING)
            )
        picking = self.picking_id.sudo()
        shipped = self._oms_check_quantities(quantities or {})
        picking.write({"carrier_id": carrier.id, "carrier_tracking_ref": tracking_ref})
        for move, qty in shipped.items():
            move.write({"quantity": qty, "picked": True})
        result = picking.with_context(
            skip_backorder=True, skip_sms=True, skip_expired=True
        ).button_validate()
        if result is not True or picking.state != "done":
            raise UserError(
                self.env._(
                    "Delivery %s could not be marked shipped. Contact the retailer.", self.name
                )
            )
        return picking.backorder_ids.oms_dropship_delivery_ids.with_env(self.env)

    def _oms_check_quantities(self, quantities):
        """``{move: quantity}`` to ship, from the supplier's ``{move id: quantity}``; refuses
        what is not a move of this delivery, negative, or more than it asks for."""
        moves = self._oms_moves()
        unknown = set(quantities) - set(moves.ids)
        if unknown:
            raise UserError(self.env._("These items are not on delivery %s.", self.name))
        shipped = {}
        for move in moves:
            qty = quantities.get(move.id, move.product_uom_qty)
            rounding = move.product_uom.rounding
            if (
                isinstance(qty, bool)
                or not isinstance(qty, (int, float))
                or not math.isfinite(qty)
                or qty < 0
            ):
                raise UserError(
                    self.env._(
                        "%s: enter the quantity shipped (0 or more).", move.product_id.display_name
                    )
                )
            if float_compare(qty, move.product_uom_qty, precision_rounding=rounding) > 0:
                raise UserError(
                    self.env._(
                        "%(product)s: %(qty)s ordered, you cannot ship more.",
                        product=move.product_id.display_name,
                        qty=f"{move.product_uom_qty:g}",
                    )
                )
            shipped[move] = qty
        if all(
            float_is_zero(q, precision_rounding=m.product_uom.rounding) for m, q in shipped.items()
        ):
            raise UserError(self.env._("Nothing to ship: enter at least one quantity."))
        return shipped

    # ------------------------------------------------------------------ follow the delivery

    def _oms_delivery_done(self):
        """The delivery left (through the portal or the back office)."""
        now = fields.Datetime.now()
        for delivery in self.filtered(lambda d: d.state in OPEN_STATES):
            delivery.write(
                {
                    "state": "shipped",
                    "shipped_date": now,
                    "ship_late": delivery.ship_late
                    or bool(delivery.ship_deadline and now > delivery.ship_deadline),
                }
            )

    def _oms_delivery_cancelled(self):
        self.filtered(lambda d: d.state in OPEN_STATES).write({"state": "cancelled"})

    def _oms_log(self, template):
        """A note on the delivery, in words (``template`` with %(user)s, %(reason)s)."""
        self.ensure_one()
        body = template % {"user": self.env.user.name, "reason": self.reject_reason or ""}
        self.picking_id.sudo().message_post(body=Markup("<p>%s</p>") % body)

    # ------------------------------------------------------------------ SLA

    @api.model
    def _cron_check_sla(self, limit=1000):
        """Flag the deliveries that passed their supplier's accept or ship time, and tell
        the control tower of late accepts (``oms.node.signal``). Safe to run twice or late:
        a delivery is flagged once; the signal's key is the delivery's."""
        self._oms_offer_open()
        now = fields.Datetime.now()
        Delivery = self.sudo()
        not_accepted = Delivery.search(
            [("state", "=", "new"), ("accept_deadline", "<", now), ("accept_late", "=", False)],
            limit=limit,
        )
        not_accepted.write({"accept_late": True})
        Signal = self.env["oms.node.signal"].sudo()
        for delivery in not_accepted:
            Signal._record(
                "accept_late",
                _minutes(now - delivery.accept_deadline),
                source=SIGNAL_SOURCE,
                warehouse=delivery.warehouse_id,
                key=f"dropship delivery {delivery.id}",
                record=delivery.picking_id,
            )
        not_shipped = Delivery.search(
            [
                ("state", "in", OPEN_STATES),
                ("ship_deadline", "<", now),
                ("ship_late", "=", False),
            ],
            limit=limit,
        )
        not_shipped.write({"ship_late": True})
        return not_accepted | not_shipped


def _minutes(delta):
    return max(delta.total_seconds() / 60.0, 0.0)
