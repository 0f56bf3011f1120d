# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Click & collect at the store: ready for pickup, finding the order at the counter, the
hand-over (paid at the till first when something is due), and reminders for uncollected
orders."""

import logging
import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import float_compare, float_is_zero

from ..exceptions import StoreRefusal
from .oms_store_order import OPEN_STATES

_logger = logging.getLogger(__name__)


class OmsStoreHandover(models.AbstractModel):
    _name = "oms.store.handover"
    _description = "Store Orders: Click & Collect Hand-over"

    # ------------------------------------------------------------------ ready for pickup

    @api.model
    def _mark_ready(self, store_order, config_id=False):
        now = fields.Datetime.now()
        vals = {"state": "ready", "ready_date": now}
        store = store_order.warehouse_id
        if store_order.kind == "reservation" and store.oms_reservation_hours > 0:
            vals["reserved_until"] = now + timedelta(hours=store.oms_reservation_hours)
        store_order.sudo().write(vals)
        step = store_order._oms_log_step("ready", pos_config_id=config_id)
        store_order.sale_order_id._oms_store_record(
            "store_ready", [{"code": "store_ready", "node": store.id, "user": self.env.user.name}]
        )
        self._tell_ready(store_order, key=f"ready-{store_order.id}")
        store_order._oms_notify_pos()
        return step

    @api.model
    def _tell_ready(self, store_order, key):
        return store_order._oms_tell_customer(
            "ready_for_pickup",
            key=key,
            pickup_code=store_order.pickup_code,
            store=store_order.warehouse_id.name,
            reserved_until=store_order.reserved_until,
        )

    @api.model
    def _resend_ready(self, store_order, config=None):
        if store_order.state != "ready":
            raise StoreRefusal(
                self.env._(
                    "%(order)s is not waiting on the pickup shelf: nothing to re-send.",
                    order=store_order.name,
                )
            )
        count = len(store_order.step_ids.filtered(lambda s: s.action == "notified"))
        self._tell_ready(store_order, key=f"ready-{store_order.id}-{count + 1}")
        return store_order.step_ids.filtered(lambda s: s.action == "notified")[:1]

    # ------------------------------------------------------------------ finding the order

    @api.model
    def _find(self, store, query):
        """The open store orders of ``store`` matching ``query``: a scanned or typed code
        (pickup code, order number, the shop's order number) first, else the customer's
        name or phone. A code of another store's order is refused, saying whose it is."""
        query = (query or "").strip()
        if len(query) < 2:
            raise StoreRefusal(self.env._("Type at least two characters to search."))
        StoreOrder = self.env["oms.store.order"].sudo()
        exact = StoreOrder.search(
            [
                ("company_id", "in", self.env.user.company_ids.ids),
                "|",
                "|",
                ("pickup_code", "=ilike", query),
                ("name", "=ilike", query),
                ("shop_order_number", "=ilike", query),
            ],
            order="offered_date desc, id desc",
        )
        if exact:
            mine = exact.filtered(lambda so: so.warehouse_id == store)
            open_mine = mine.filtered(lambda so: so.state in OPEN_STATES)
            if open_mine:
                return open_mine
            if mine:
                raise StoreRefusal(mine[0]._oms_why_not_open())
            other = exact.filtered(lambda so: so.state in OPEN_STATES)[:1] or exact[:1]
            raise StoreRefusal(
                self.env._(
                    "%(code)s is an order for %(store)s, not for your store.",
                    code=query,
                    store=other.warehouse_id.name,
                )
            )
        domain = [("warehouse_id", "=", store.id), ("state", "in", OPEN_STATES), ("primary_id", "=", False)]
        digits = re.sub(r"\D", "", query)
        if len(digits) >= 4 and len(digits) >= len(query.replace(" ", "")) - 1:
            # A phone number: compare the last digits, whatever the formatting.
            candidates = StoreOrder.search(domain)
            found = candidates.filtered(
                lambda so: any(
                    re.sub(r"\D", "", number or "").endswith(digits[-8:])
                    for number in (so.partner_id.phone, so.partner_id.mobile)
                )
            )
        else:
            found = StoreOrder.search(
                domain + [("sale_order_id.partner_id.name", "ilike", query)], limit=50
            )
        if not found:
            raise StoreRefusal(
                self.env._("No open order of your store matches “%(query)s”.", query=query)
            )
        return found

    # ------------------------------------------------------------------ hand-over

    @api.model
    def _handover(self, store_order, collected_by, collected=None, refusal_note="", config=None):
        """The customer (or ``collected_by`` for them) takes the order. ``collected``:
        ``{move id: quantity}`` when they refuse part of it; the rest goes back to stock and
        is refunded. Refused while money is still due at the till."""
        if store_order.state != "ready":
            if store_order.state in ("new", "accepted"):
                raise StoreRefusal(
                    self.env._(
                        "%(order)s is not ready for pickup yet: pick it first.",
                        order=store_order.name,
                    )
                )
            raise StoreRefusal(store_order._oms_why_not_open())
        collected_by = (collected_by or "").strip()
        if not collected_by:
            raise StoreRefusal(self.env._("Say who collects the order."))
        moves = store_order._oms_moves().filtered(lambda m: m.state not in ("done", "cancel"))
        collected = collected if collected is not None else {m.id: m.quantity for m in moves}
        unknown = set(collected) - set(moves.ids)
        if unknown:
            raise StoreRefusal(
                self.env._(
                    "Some items are not part of %(order)s any more: open the order again.",
                    order=store_order.name,
                )
            )
        refused = {}
        for move in moves:
            quantity = collected.get(move.id, 0.0)
            rounding = move.product_uom.rounding
            if float_compare(quantity, move.quantity, precision_rounding=rounding) > 0 or quantity < 0:
                raise StoreRefusal(
                    self.env._(
                        "%(qty)s × %(product)s cannot be handed over: %(ready)s are ready.",
                        qty=f"{quantity:g}",
                        product=move.product_id.display_name,
                        ready=f"{move.quantity:g}",
                    )
                )
            if not float_is_zero(move.quantity - quantity, precision_rounding=rounding):
                refused[move] = move.quantity - quantity
        if refused and all(
            float_is_zero(collected.get(m.id, 0.0), precision_rounding=m.product_uom.rounding)
            for m in moves
        ):
            raise StoreRefusal(
                self.env._(
                    "The customer takes nothing: nothing to hand over. The order stays on the "
                    "pickup shelf; customer service can cancel it."
                )
            )
        order = store_order.sale_order_id
        due = order._oms_amount_due_in_store() - self._value(refused, order)
        if float_compare(due, 0.0, precision_rounding=order.currency_id.rounding) > 0:
            raise StoreRefusal(
                self.env._(
                    "%(order)s still has %(amount)s to pay: take the payment at the till, "
                    "then hand it over.",
                    order=store_order.name,
                    amount=order.currency_id.format(due),
                )
            )
        for move, quantity in refused.items():
            kept = move.quantity - quantity
            if float_is_zero(kept, precision_rounding=move.product_uom.rounding):
                move._action_cancel()
            else:
                move.write({"product_uom_qty": kept, "quantity": kept})
        picking = store_order.picking_id
        # The delivery's validation ends the store order (stock.picking._action_done) with
        # who did it; who collected is said here.
        store_order.sudo().collected_by = collected_by
        result = picking.with_context(
            skip_backorder=True, picking_ids_not_to_backorder=picking.ids
        ).button_validate()
        if result is not True or picking.state != "done":
            raise StoreRefusal(
                self.env._(
                    "Odoo could not validate the hand-over of %(order)s: open %(picking)s in "
                    "the back office.",
                    order=store_order.name,
                    picking=picking.name,
                )
            )
        step = store_order._oms_log_step(
            "handed_over",
            note=self.env._("Collected by %s", collected_by),
            pos_config_id=config.id if config else False,
        )
        if refused:
            self._refused(store_order, refused, refusal_note, config)
        return step

    @api.model
    def _value(self, refused, order):
        """What the refused units cost the customer (their lines' price, taxes included)."""
        if order.oms_payment_status in ("paid", "authorized"):
            return 0.0
        return sum(move.sale_line_id.price_reduce_taxinc * qty for move, qty in refused.items())

    @api.model
    def _refused(self, store_order, refused, note, config):
        per_line = {}
        for move, quantity in refused.items():
            line = move.sale_line_id
            per_line[line] = per_line.get(line, 0.0) + move.product_uom._compute_quantity(
                quantity, line.product_uom
            )
        store_order._oms_log_step(
            "refused",
            note=", ".join(
                f"{qty:g} × {line.product_id.display_name}" for line, qty in per_line.items()
            )
            + (f" - {note}" if note else ""),
            quantity=sum(per_line.values()),
            pos_config_id=config.id if config else False,
        )
        store_order.sale_order_id._oms_store_refuse_lines(per_line, note)

    # ------------------------------------------------------------------ reminders

    @api.model
    def _cron_pickup_reminders(self, limit=500):
        """Remind customers of paid click & collect orders waiting on the pickup shelf.
        Each reminder has its number in its key: a late or repeated run never sends one
        twice, and catches up after downtime."""
        now = fields.Datetime.now()
        waiting = self.env["oms.store.order"].sudo().search(
            [("state", "=", "ready"), ("kind", "=", "pickup")], limit=limit, order="ready_date"
        )
        reminded = self.env["oms.store.order"]
        for store_order in waiting:
            store = store_order.warehouse_id
            if store_order.reminder_count >= store.oms_pickup_reminder_count:
                continue
            days = max(store.oms_pickup_reminder_days, 1)
            since = store_order.last_reminder_date or store_order.ready_date
            if not since or since + timedelta(days=days) > now:
                continue
            number = store_order.reminder_count + 1
            store_order._oms_tell_customer(
                "pickup_reminder",
                action="reminded",
                key=f"pickup-reminder-{store_order.id}-{number}",
                pickup_code=store_order.pickup_code,
                store=store.name,
            )
            store_order.write({"reminder_count": number, "last_reminder_date": now})
            reminded |= store_order
        return reminded
