# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import secrets
from datetime import timedelta

from markupsafe import Markup
from odoo import api, fields, models
from odoo.tools import SQL, format_datetime

OPEN_STATES = ("new", "accepted", "ready")
STATES = [
    ("new", "To accept"),
    ("accepted", "To prepare"),
    ("ready", "Ready for pickup"),
    ("done", "Done"),
    ("rejected", "Rejected"),
    ("timeout", "Not accepted in time"),
    ("lost", "Taken by another store"),
    ("released", "Released: not collected"),
    ("cancelled", "Cancelled"),
]
KINDS = [
    ("ship", "Ship from store"),
    ("pickup", "Click & collect"),
    ("reservation", "Reserved, pay in store"),
]
# Letters and digits nobody confuses when reading a code aloud or typing it.
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
# Fields of a store order the POS loads (the queue): plain values, so the queue of a busy
# store loads in one read.
POS_FIELDS = [
    "id",
    "name",
    "kind",
    "state",
    "sale_order_ref",
    "customer_name",
    "customer_phone",
    "shop_order_number",
    "offered_date",
    "accept_deadline",
    "promised_date",
    "accepted_date",
    "accepted_by_name",
    "ready_date",
    "done_date",
    "reserved_until",
    "pickup_code",
    "amount_due",
    "item_count",
    "line_summary",
    "sla_state",
    "carrier_name",
    "waiting_for_goods",
    "is_offer",
    "released_ack",
    "status_text",
]


class OmsStoreOrder(models.Model):
    """The work of one store on one order: ship it from the store, prepare it for pickup,
    or keep it reserved until the customer pays and collects.

    One record per order and store it was routed (or, when stores compete, offered) to; it
    follows the store's delivery through acceptance, picking, and shipping or hand-over, and
    keeps how it ended (rejected, not accepted in time, taken by another store, released).
    The POS of the store lists the open ones (its queue).
    """

    _name = "oms.store.order"
    _inherit = ["pos.load.mixin"]
    _description = "Store Order"
    _order = "offered_date desc, id desc"
    _check_company_auto = True
    _rec_name = "name"

    name = fields.Char(related="sale_order_id.name", store=True, string="Order")
    sale_order_id = fields.Many2one(
        "sale.order", string="Sale Order", required=True, ondelete="cascade", index=True
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Store", required=True, index=True, check_company=True
    )
    company_id = fields.Many2one(related="warehouse_id.company_id", store=True, precompute=True)
    picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        index="btree_not_null",
        help="The store's delivery (for click & collect, its hand-over). Empty for an offer "
        "to a store that competes for the order.",
    )
    primary_id = fields.Many2one(
        "oms.store.order",
        string="Offered With",
        index="btree_not_null",
        ondelete="cascade",
        help="Stores compete: the store order of the store routing chose, which this offer "
        "competes with. The first store to accept wins.",
    )
    offer_ids = fields.One2many("oms.store.order", "primary_id", string="Competing Offers")
    sale_order_ref = fields.Integer(
        related="sale_order_id.id",
        string="Sale Order (id)",
        help="The sale order's id as the till reads it (settling it at the till).",
    )
    is_offer = fields.Boolean(compute="_compute_is_offer", string="Competing Offer")
    kind = fields.Selection(KINDS, required=True, default="ship")
    state = fields.Selection(STATES, required=True, default="new", index=True, copy=False)
    status_text = fields.Char(compute="_compute_status_text", string="Status")
    offered_date = fields.Datetime(
        string="Offered", required=True, default=fields.Datetime.now, readonly=True
    )
    accept_deadline = fields.Datetime(
        string="Accept By",
        readonly=True,
        index="btree_not_null",
        help="Counted in the store's opening hours: after it, the order goes to the next "
        "best node.",
    )
    accepted_date = fields.Datetime(string="Accepted", readonly=True)
    accepted_by_id = fields.Many2one("res.users", string="Accepted By", readonly=True)
    accepted_by_name = fields.Char(related="accepted_by_id.name", string="Accepted By (name)")
    auto_accepted = fields.Boolean(
        readonly=True,
        help="Nothing to decide: the goods come to the store by transfer for the customer "
        "to collect.",
    )
    ready_date = fields.Datetime(string="Ready", readonly=True)
    done_date = fields.Datetime(string="Shipped / Handed Over", readonly=True)
    done_by_id = fields.Many2one("res.users", string="Done By", readonly=True)
    collected_by = fields.Char(
        string="Collected By", readonly=True, help="Who collected the order, as checked."
    )
    reject_reason_id = fields.Many2one("oms.store.reject.reason", readonly=True)
    reject_note = fields.Text(readonly=True)
    rejected_by_id = fields.Many2one("res.users", string="Rejected By", readonly=True)
    rejected_date = fields.Datetime(string="Rejected", readonly=True)
    promised_date = fields.Datetime(
        string="Promised", readonly=True, help="The date promised to the customer."
    )
    pickup_code = fields.Char(
        string="Pickup Code",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The code the customer shows (or that is scanned) at the hand-over.",
    )
    reserved_until = fields.Datetime(
        string="Reserved Until",
        readonly=True,
        help="A reservation not collected by then is released.",
    )
    reminder_count = fields.Integer(
        string="Reminders Sent", readonly=True, help="Reminders sent to the customer."
    )
    last_reminder_date = fields.Datetime(readonly=True)
    released_ack = fields.Boolean(
        string="Back on the Shelf",
        readonly=True,
        help="The store put the goods of a released reservation back on sale.",
    )
    step_ids = fields.One2many("oms.store.order.step", "store_order_id", string="Steps")
    partner_id = fields.Many2one(related="sale_order_id.partner_id", string="Customer")
    customer_name = fields.Char(related="sale_order_id.partner_id.name", string="Customer Name")
    customer_phone = fields.Char(compute="_compute_customer_phone", string="Phone")
    shop_order_number = fields.Char(
        related="sale_order_id.oms_external_name", string="Shop Order Number"
    )
    currency_id = fields.Many2one(related="sale_order_id.currency_id")
    amount_due = fields.Monetary(
        compute="_compute_amount_due",
        string="To Pay In Store",
        help="What the customer still pays at the till: nothing when the order was paid "
        "online.",
    )
    item_count = fields.Float(compute="_compute_lines_summary", string="Items")
    line_summary = fields.Char(compute="_compute_lines_summary", string="Items (summary)")
    waiting_for_goods = fields.Boolean(
        compute="_compute_lines_summary",
        help="Part of the goods are still on their way to the store (a transfer).",
    )
    carrier_name = fields.Char(related="picking_id.carrier_id.name", string="Carrier")
    sla_state = fields.Selection(
        [("ok", "On time"), ("soon", "Due soon"), ("late", "Late")],
        compute="_compute_sla_state",
        string="SLA",
        help="For an order to accept: its accept deadline; afterwards its promised date.",
    )

    _sql_constraints = [
        ("pickup_code_unique", "unique(pickup_code)", "A pickup code is unique."),
    ]

    def init(self):
        # One open store order per delivery: a second till, a replay or a re-run of the sync
        # can never offer the same delivery twice.
        self.env.cr.execute(
            SQL(
                """
                CREATE UNIQUE INDEX IF NOT EXISTS oms_store_order_open_picking_uniq
                    ON oms_store_order (picking_id)
                 WHERE picking_id IS NOT NULL AND state IN ('new', 'accepted', 'ready')
                """
            )
        )

    # ------------------------------------------------------------------ computes

    @api.depends("primary_id")
    def _compute_is_offer(self):
        for store_order in self:
            store_order.is_offer = bool(store_order.primary_id)

    @api.depends("state", "kind")
    @api.depends_context("lang")
    def _compute_status_text(self):
        states = dict(self._fields["state"]._description_selection(self.env))
        for store_order in self:
            if store_order.state == "done":
                store_order.status_text = (
                    self.env._("Shipped")
                    if store_order.kind == "ship"
                    else self.env._("Handed over")
                )
            else:
                store_order.status_text = states.get(store_order.state, "")

    @api.depends("sale_order_id.partner_id.phone", "sale_order_id.partner_id.mobile")
    def _compute_customer_phone(self):
        for store_order in self:
            partner = store_order.sale_order_id.partner_id
            store_order.customer_phone = partner.phone or partner.mobile or ""

    @api.depends(
        "sale_order_id.amount_unpaid", "sale_order_id.oms_payment_status", "sale_order_id.state"
    )
    def _compute_amount_due(self):
        for store_order in self:
            store_order.amount_due = store_order.sale_order_id._oms_amount_due_in_store()

    @api.depends(
        "state",
        "picking_id.move_ids.product_uom_qty",
        "picking_id.move_ids.state",
        "primary_id.picking_id.move_ids.product_uom_qty",
    )
    def _compute_lines_summary(self):
        for store_order in self:
            moves = store_order._oms_moves()
            store_order.item_count = sum(moves.mapped("product_uom_qty"))
            store_order.line_summary = ", ".join(
                f"{qty:g} × {name}"
                for name, qty in _totals(
                    (move.product_id.display_name, move.product_uom_qty) for move in moves
                )
            )
            store_order.waiting_for_goods = bool(store_order._oms_coming_moves())

    @api.depends("state", "accept_deadline", "promised_date", "offered_date", "accepted_date")
    def _compute_sla_state(self):
        now = fields.Datetime.now()
        for store_order in self:
            if store_order.state == "new":
                deadline = store_order.accept_deadline
                start = store_order.offered_date
            elif store_order.state in ("accepted", "ready"):
                deadline = store_order.promised_date
                start = store_order.accepted_date or store_order.offered_date
            else:
                store_order.sla_state = "ok"
                continue
            if not deadline:
                store_order.sla_state = "ok"
            elif deadline <= now:
                store_order.sla_state = "late"
            elif start and (now - start) >= (deadline - start) * 0.75:
                store_order.sla_state = "soon"
            else:
                store_order.sla_state = "ok"

    def _oms_moves(self):
        """The goods of this store order: its delivery's moves still to hand over or ship (a
        competing offer shows those of the delivery it competes for)."""
        self.ensure_one()
        picking = self.picking_id or self.primary_id.picking_id
        if self.state == "released":
            # What went back on sale: the staff put these items back on the shelf.
            return picking.move_ids
        return picking.move_ids.filtered(lambda m: m.state != "cancel")

    def _oms_coming_moves(self):
        """The moves whose goods are still on their way to the store (an open transfer of
        the order brings them) and not yet there for the store to pick."""
        self.ensure_one()
        moves = self._oms_moves().filtered(
            lambda m: m.state not in ("assigned", "done", "cancel")
        )
        if not moves:
            return moves
        store = self.warehouse_id
        transfers = self.sale_order_id.picking_ids.filtered(
            lambda p: (
                p.oms_shipment_kind == "transfer"
                and p.state not in ("done", "cancel")
                and p.location_dest_id.warehouse_id == store
            )
        )
        coming = transfers.move_ids.product_id | moves.move_orig_ids.filtered(
            lambda m: m.state not in ("done", "cancel")
        ).product_id
        return moves.filtered(lambda m: m.product_id in coming)

    # ------------------------------------------------------------------ creation

    @api.model
    def _oms_offer_pickings(self, pickings):
        """Offer the store deliveries among ``pickings`` to their stores: a store order per
        delivery that has no open one yet. Returns the store orders created."""
        store_ids = self.env["stock.warehouse"]._oms_store_ids()
        todo = pickings.filtered(
            lambda p: (
                p.oms_shipment_kind in ("ship", "pickup")
                and p.picking_type_id.warehouse_id.id in store_ids
                and p.picking_type_code == "outgoing"
                and p.state not in ("done", "cancel")
                and p.group_id.sale_id
            )
        )
        if not todo:
            return self.browse()
        known = set(
            self.sudo()
            .search([("picking_id", "in", todo.ids), ("state", "in", OPEN_STATES)])
            .mapped("picking_id")
            .ids
        )
        todo = todo.filtered(lambda p: p.id not in known)
        # A store that won the order as a competing offer takes its new delivery itself.
        winners = self.browse(self.env.context.get("oms_store_accepting", {}).values()).sudo()
        for offer in winners:
            won = todo.filtered(lambda p, offer=offer: p.picking_type_id.warehouse_id == offer.warehouse_id)[:1]
            if won:
                offer.write({"picking_id": won.id, "state": "accepted", "accept_deadline": False})
                todo -= won
        vals_list = [self._oms_prepare_vals(picking) for picking in todo]
        store_orders = self.sudo().create(vals_list)
        store_orders._oms_log_step("offered")
        self.env["oms.store.fulfilment"]._offer_to_competitors(store_orders)
        store_orders._oms_notify_pos(new=True)
        return store_orders

    @api.model
    def _oms_prepare_vals(self, picking):
        order = picking.group_id.sale_id
        store = picking.picking_type_id.warehouse_id
        now = fields.Datetime.now()
        kind = "ship"
        if picking.oms_shipment_kind == "pickup":
            kind = "reservation" if order._oms_is_store_reservation() else "pickup"
        # Goods that come by transfer leave the store nothing to decide: it hands them over.
        fed_by_transfer = order.picking_ids.filtered(
            lambda p: (
                p.oms_shipment_kind == "transfer"
                and p.state not in ("done", "cancel")
                and p.location_dest_id.warehouse_id == store
            )
        )
        vals = {
            "sale_order_id": order.id,
            "warehouse_id": store.id,
            "picking_id": picking.id,
            "kind": kind,
            "offered_date": now,
            "promised_date": picking.oms_promised_date or order.oms_promised_date,
        }
        if kind != "ship":
            vals["pickup_code"] = self._oms_new_pickup_code()
        if fed_by_transfer:
            vals.update(state="accepted", auto_accepted=True, accepted_date=now)
        elif store.oms_accept_minutes > 0:
            vals["accept_deadline"] = store._oms_add_open_minutes(now, store.oms_accept_minutes)
        return vals

    @api.model
    def _oms_new_pickup_code(self):
        return "".join(secrets.choice(CODE_ALPHABET) for _i in range(8))

    @api.model
    def _oms_store_load(self, stores):
        """``{store id: orders}`` a store has on its hands today: those waiting for it to
        accept or prepare them, and those it prepared since its day began."""
        if not stores:
            return {}
        self.flush_model(["warehouse_id", "state", "ready_date", "done_date", "primary_id"])
        starts = {store.id: store._oms_end_of_local_day() - timedelta(days=1) for store in stores}
        self.env.cr.execute(
            SQL(
                """
                SELECT so.warehouse_id, so.state, so.ready_date, so.done_date
                  FROM oms_store_order so
                 WHERE so.warehouse_id = ANY(%s)
                   AND so.primary_id IS NULL
                   AND (so.state IN ('new', 'accepted')
                        OR (so.state IN ('ready', 'done')
                            AND COALESCE(so.ready_date, so.done_date) >= %s))
                """,
                stores.ids,
                min(starts.values()),
            )
        )
        load = {}
        for warehouse_id, state, ready_date, done_date in self.env.cr.fetchall():
            prepared = ready_date or done_date
            if state in ("ready", "done") and prepared < starts[warehouse_id]:
                continue
            load[warehouse_id] = load.get(warehouse_id, 0) + 1
        return load

    # ------------------------------------------------------------------ steps and news

    def _oms_log_step(self, action, **vals):
        """Record ``action`` on every store order of ``self`` (the store's history)."""
        steps = self.env["oms.store.order.step"].sudo()
        return steps.create(
            [
                {"store_order_id": store_order.id, "action": action, **vals}
                for store_order in self
            ]
        )

    def _oms_tell_customer(self, event, key, action="notified", **values):
        """Tell the customer ``event`` (ready_for_pickup, pickup_reminder,
        reservation_expiring, delayed, cancelled) once per ``key``, and note it in the
        store's history. Returns whether an e-mail went out.

        The core's customer messages (``sale.order._oms_notify_customer``) send it when they
        are installed; until then the order's chatter says what the customer should have been
        told, so nobody believes an e-mail went out."""
        self.ensure_one()
        Step = self.env["oms.store.order.step"].sudo()
        step_key = f"told:{key}"
        if Step.search_count([("key", "=", step_key)]):
            return False
        order = self.sale_order_id
        notify = getattr(order, "_oms_notify_customer", None)
        label = order._oms_store_event_label(event)
        if notify is not None:
            notify(event, pickings=self.picking_id, key=key, **values)
            note = label
        else:
            note = self.env._("%s (not sent: the customer messages are not installed)", label)
            order._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "To tell the customer: %(event)s. No e-mail was sent: the customer "
                    "messages are not installed.",
                    event=label,
                )
            )
        self._oms_log_step(action, note=note, key=step_key, user_id=False)
        return notify is not None

    def _oms_notify_pos(self, new=False):
        """Tell the open POS of the stores that these store orders changed (Odoo's bus):
        they read them again; ``new`` ones ring."""
        configs = (
            self.env["pos.session"]
            .sudo()
            .search(
                [
                    ("config_id.oms_warehouse_id", "in", self.warehouse_id.ids),
                    ("state", "!=", "closed"),
                ]
            )
            .config_id
        )
        for config in configs:
            mine = self.filtered(lambda so, config=config: so.warehouse_id == config.oms_warehouse_id)
            if mine:
                config._notify(
                    "OMS_STORE_ORDERS",
                    {"ids": mine.ids, "new_ids": mine.ids if new else []},
                )

    def _oms_close(self, state, **vals):
        """Move the open ones of these store orders to ``state`` (with ``vals``): accepted,
        or how they ended. Their competing offers still waiting close (another store has
        the order, or nobody does). Returns the store orders moved."""
        open_orders = self.filtered(lambda so: so.state in OPEN_STATES)
        if not open_orders:
            return open_orders
        open_orders.sudo().write({"state": state, **vals})
        offers = open_orders.offer_ids.filtered(lambda so: so.state == "new")
        if offers:
            offers.sudo().write({"state": "lost"})
            offers._oms_log_step("lost")
            offers._oms_notify_pos()
        open_orders._oms_notify_pos()
        return open_orders

    def _oms_lock(self):
        """Lock these store orders and those competing with them (the rows, in id order) for
        the rest of the transaction: of two tills acting on one order, the second waits, then
        Odoo replays its call on the first one's result."""
        related = self | self.primary_id | self.primary_id.offer_ids | self.offer_ids
        self.env.cr.execute(
            SQL(
                "SELECT id FROM oms_store_order WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                sorted(related.ids),
            )
        )
        related.invalidate_recordset()

    def _oms_why_not_open(self, for_offer=False):
        """Why nothing can be done on this store order any more, in words the store reads."""
        self.ensure_one()
        store_order = self.sudo()
        when = store_order._oms_when
        name = store_order.name
        if store_order.state == "new":
            return self.env._("%(order)s still waits for the store to accept it.", order=name)
        if store_order.state == "accepted":
            who = store_order.accepted_by_id.name
            if for_offer:
                return self.env._(
                    "%(store)s took %(order)s first.", store=store_order.warehouse_id.name, order=name
                )
            if store_order.auto_accepted or not who:
                return self.env._("%(order)s is already yours.", order=name)
            return self.env._(
                "%(order)s was already accepted by %(who)s on %(when)s.",
                order=name,
                who=who,
                when=when(store_order.accepted_date),
            )
        if store_order.state == "ready":
            return self.env._(
                "%(order)s is already picked and waits for the customer since %(when)s.",
                order=name,
                when=when(store_order.ready_date),
            )
        if store_order.state == "done":
            if store_order.kind == "ship":
                return self.env._("%(order)s was shipped on %(when)s.", order=name, when=when(store_order.done_date))
            return self.env._(
                "%(order)s was handed over to %(who)s on %(when)s.",
                order=name,
                who=store_order.collected_by or store_order.customer_name,
                when=when(store_order.done_date),
            )
        if store_order.state == "rejected":
            return self.env._(
                "%(order)s was rejected by %(who)s on %(when)s (%(reason)s): it went to another node.",
                order=name,
                who=store_order.rejected_by_id.name or "?",
                when=when(store_order.rejected_date),
                reason=store_order.reject_reason_id.name or "",
            )
        if store_order.state == "timeout":
            return self.env._(
                "%(order)s was not accepted in time and went to another node.", order=name
            )
        if store_order.state == "lost":
            winner = store_order.sale_order_id.oms_store_order_ids.filtered(
                lambda so: so.state in ("accepted", "ready", "done") and so != store_order
            )[:1]
            if winner:
                return self.env._(
                    "%(store)s took %(order)s first.", store=winner.warehouse_id.name, order=name
                )
            return self.env._("%(order)s went to another node.", order=name)
        if store_order.state == "released":
            return self.env._(
                "The reservation %(order)s ended on %(when)s: the order is cancelled. Put its "
                "items back on the shelf.",
                order=name,
                when=when(store_order.reserved_until),
            )
        return self.env._("%(order)s was cancelled.", order=name)

    def _oms_when(self, value):
        """A date and time as the reader writes them (their language and time zone)."""
        return format_datetime(self.env, value, dt_format="short") if value else ""

    # ------------------------------------------------------------------ POS data loading

    @api.model
    def _load_pos_data_domain(self, data):
        config = self.env["pos.config"].browse(data["pos.config"]["data"][0]["id"])
        store = config.oms_warehouse_id
        if not store:
            return False
        # Open work, and what ended today that the store may still need to see (a released
        # reservation whose goods go back on the shelf).
        since = fields.Datetime.now() - timedelta(hours=24)
        return [
            ("warehouse_id", "=", store.id),
            "|",
            ("state", "in", OPEN_STATES),
            "&",
            ("state", "=", "released"),
            "|",
            ("released_ack", "=", False),
            ("write_date", ">=", since),
        ]

    @api.model
    def _load_pos_data_fields(self, config_id):
        return list(POS_FIELDS)


def _totals(name_quantities):
    totals = {}
    for name, quantity in name_quantities:
        totals[name] = totals.get(name, 0.0) + quantity
    return list(totals.items())
