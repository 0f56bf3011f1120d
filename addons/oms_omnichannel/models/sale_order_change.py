# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Order changes: one method per operation, the same for every door.

Customer service's "Change order" wizard, the sync service's customer-service API and MCP
server, and the shops' order updates all call these (docs/contracts.md, "Order changes"):

- ``_oms_cancel_order``, ``_oms_cancel_lines`` (here);
- ``_oms_change_address``, ``_oms_change_delivery_mode``, ``_oms_change_quantities``,
  ``_oms_add_lines`` (``sale_order_change_delivery.py``).

Each one checks what may still change - nothing that has left (that is a return), nothing a
node already started preparing - and refuses with an :class:`OrderChangeRefused` that says
why in words; applies the change with the addon's own mechanisms (lines lowered through the
router's shrink, deliveries re-planned through ``_oms_reroute``); asks the shop for the money
back (``_oms_request_refund``); writes the order's chatter and an ``oms.order.change`` with the
answer; tells the customer. Keyed by an idempotency key: the same key returns the first answer
again. The order and its open deliveries are locked first (``FOR UPDATE NOWAIT``): a change
racing a store's pick or a shop update makes one of them wait for Odoo's retry, which then
sees what the other did.
"""

import uuid

from markupsafe import Markup
from odoo import api, fields, models
from odoo.tools import float_compare, float_is_zero, float_round, format_amount, format_date

from .oms_order_change import OPERATIONS, OrderChangeRefused

TIMES = "\N{MULTIPLICATION SIGN}"
CHANGE_READERS = "oms_omnichannel.group_oms_customer_service"
CHANGES_TOLD_AS_CHANGED = ("address", "delivery_mode", "quantities", "add_lines")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    oms_change_ids = fields.One2many(
        "oms.order.change", "sale_order_id", string="Changes", readonly=True, groups=CHANGE_READERS
    )
    oms_change_count = fields.Integer(compute="_compute_oms_change_count", groups=CHANGE_READERS)

    @api.depends("oms_change_ids")
    def _compute_oms_change_count(self):
        for order in self:
            order.oms_change_count = len(order.oms_change_ids)

    def action_oms_view_changes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "oms_omnichannel.oms_order_change_action"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------
    # Cancellations
    # ------------------------------------------------------------------
    def _oms_cancel_order(self, reason=None, key=None, source=None, refund=True):
        """Cancel the whole order while nothing of it has left or is being prepared: every
        delivery is cancelled (stock released), the shop is asked to refund what was paid
        (lines and shipping, ``refund``) and told of the cancellation, the customer told.
        Returns the answer (a dict, see ``_oms_change_answer``)."""
        return self._oms_run_change(
            "cancel", key, source, lambda key: self._oms_apply_cancel_order(reason, key, refund)
        )

    def _oms_cancel_lines(self, items, reason=None, key=None, source=None, refund=True):
        """Cancel ``items`` - ``(line, quantity)`` or ``(line, quantity, uom)``, the quantity
        in ``uom`` (default: the line's unit) - while they have not left and no node started
        preparing them: each line is lowered and its open deliveries shrink at each source,
        the shop refunds what the customer paid for them (``refund``), the customer is told.
        Cancelling everything that is left cancels the order."""
        return self._oms_run_change(
            "cancel_lines",
            key,
            source,
            lambda key: self._oms_apply_cancel_lines(items, reason, key, refund),
        )

    def _oms_apply_cancel_order(self, reason, key, refund):
        self.ensure_one()
        if self.state == "cancel":
            raise OrderChangeRefused(
                "already_cancelled", self.env._("%s is already cancelled.", self.name)
            )
        shipped = self._oms_shipped_pickings()
        if shipped:
            raise OrderChangeRefused(
                "already_shipped",
                self.env._(
                    "%(order)s cannot be cancelled as a whole: %(pickings)s already left. "
                    "Cancel what has not left line by line; what has left can only come back "
                    "as a return.",
                    order=self.name,
                    pickings=", ".join(shipped.mapped("name")),
                ),
            )
        started = self._oms_started_open_pickings()
        if started:
            raise OrderChangeRefused("being_prepared", self._oms_started_message(started))
        request = self.env["oms.refund.request"]
        if refund and self.state == "sale":
            items = [
                (line, line._oms_refundable_quantity())
                for line in self._oms_product_lines()
                if not float_is_zero(
                    line._oms_refundable_quantity(), precision_rounding=line.product_uom.rounding
                )
            ]
            shipping = self._oms_shipping_refundable()
            if items or shipping:
                request = self._oms_request_refund(
                    items, shipping=shipping, reason=reason, key=_child_key(key, "refund")
                )
        if self.locked:
            self.action_unlock()
        self.with_context(
            disable_cancel_warning=True,
            oms_cancel_reason=reason or "cancelled",
            oms_cancel_message=reason or "",
        ).action_cancel()
        summary = self.env._("%s was cancelled.", self.name)
        if reason:
            summary += " " + self.env._("Reason: %s", reason)
        return summary, request, {"event": "cancelled", "reason": reason or ""}

    def _oms_apply_cancel_lines(self, items, reason, key, refund):
        self.ensure_one()
        self._oms_check_confirmed()
        wanted = self._oms_quantities_of(items)
        self._oms_check_cancellable(wanted)
        remaining = {
            line: line.product_uom_qty - wanted.get(line, 0.0) for line in self._oms_product_lines()
        }
        if all(
            float_is_zero(qty, precision_rounding=line.product_uom.rounding)
            for line, qty in remaining.items()
        ):
            # Nothing would be left: the order is cancelled as a whole (shipping refunded).
            return self._oms_apply_cancel_order(reason, key, refund)
        request = self.env["oms.refund.request"]
        if refund:
            request = self._oms_request_refund(
                list(wanted.items()), reason=reason, key=_child_key(key, "refund")
            )
        self._oms_lower_lines(wanted)
        words = ", ".join(
            self.env._(
                "%(qty)s %(unit)s x %(product)s",
                qty=f"{qty:g}",
                unit=line.product_uom.name,
                product=line.product_id.display_name,
            )
            for line, qty in wanted.items()
        )
        told = ", ".join(f"{qty:g} {TIMES} {line.product_id.name}" for line, qty in wanted.items())
        summary = self.env._("Cancelled: %s.", words)
        if reason:
            summary += " " + self.env._("Reason: %s", reason)
        return (
            summary,
            request,
            {"event": "partially_cancelled", "items": told, "reason": reason or ""},
        )

    # ------------------------------------------------------------------
    # What may still change
    # ------------------------------------------------------------------
    def _oms_product_lines(self):
        return self.order_line.filtered(
            lambda line: not line.display_type and not line.is_delivery and line.product_id
        )

    def _oms_check_confirmed(self):
        if self.state != "sale":
            raise OrderChangeRefused(
                "not_confirmed",
                self.env._(
                    "%(order)s is %(state)s: only confirmed orders change this way.",
                    order=self.name,
                    state=dict(self._fields["state"]._description_selection(self.env)).get(
                        self.state
                    ),
                ),
            )

    def _oms_quantities_of(self, items):
        """``{line: quantity in the line's unit}`` of ``items``, each checked: a line of this
        order, a positive quantity, a unit of the line's kind, whole units for a shop's line
        (shops refund and fulfil whole units)."""
        wanted = {}
        for item in items:
            line, quantity, uom = item if len(item) == 3 else (*item, None)
            self._oms_check_line(line)
            quantity = float(quantity or 0.0)
            uom = uom or line.product_uom
            if uom.category_id != line.product_uom.category_id:
                raise OrderChangeRefused(
                    "invalid_quantity",
                    self.env._(
                        "%(product)s is counted in %(unit)s: %(other)s cannot convert to it.",
                        product=line.product_id.display_name,
                        unit=line.product_uom.name,
                        other=uom.name,
                    ),
                )
            quantity = uom._compute_quantity(quantity, line.product_uom, round=False)
            rounding = line.product_uom.rounding
            if float_compare(quantity, 0.0, precision_rounding=rounding) <= 0:
                raise OrderChangeRefused(
                    "invalid_quantity",
                    self.env._(
                        "A quantity to cancel must be more than zero (%(product)s).",
                        product=line.product_id.display_name,
                    ),
                )
            quantity = float_round(quantity, precision_rounding=rounding)
            if line.oms_external_line_id and not float_is_zero(
                quantity - round(quantity), precision_rounding=rounding
            ):
                raise OrderChangeRefused(
                    "invalid_quantity",
                    self.env._(
                        "%(product)s: the shop sells whole %(unit)s, not %(qty)s.",
                        product=line.product_id.display_name,
                        unit=line.product_uom.name,
                        qty=f"{quantity:g}",
                    ),
                )
            wanted[line] = wanted.get(line, 0.0) + quantity
        if not wanted:
            raise OrderChangeRefused(
                "nothing_to_change", self.env._("Say which lines and how many.")
            )
        return wanted

    def _oms_check_line(self, line):
        if len(line) != 1 or line.order_id != self or line not in self._oms_product_lines():
            raise OrderChangeRefused(
                "unknown_line",
                self.env._(
                    "%(line)s is no product line of %(order)s.",
                    line=", ".join(line.mapped("display_name")) or "?",
                    order=self.name,
                ),
            )

    def _oms_check_cancellable(self, wanted):
        for line, quantity in wanted.items():
            rounding = line.product_uom.rounding
            unit = line.product_uom.name
            product = line.product_id.display_name
            if float_compare(quantity, line.product_uom_qty, precision_rounding=rounding) > 0:
                raise OrderChangeRefused(
                    "invalid_quantity",
                    self.env._(
                        "%(product)s: the order has %(qty)s %(unit)s, not %(asked)s.",
                        product=product,
                        qty=f"{line.product_uom_qty:g}",
                        unit=unit,
                        asked=f"{quantity:g}",
                    ),
                )
            left = line.product_uom_qty - line.qty_delivered
            if float_compare(quantity, left, precision_rounding=rounding) > 0:
                raise OrderChangeRefused(
                    "already_shipped",
                    self.env._(
                        "%(product)s: only %(left)s %(unit)s have not left yet, %(shipped)s "
                        "%(unit)s already shipped. What has left cannot be cancelled: the "
                        "customer can return it (returns are not available in this version "
                        "yet).",
                        product=product,
                        left=f"{max(left, 0.0):g}",
                        shipped=f"{line.qty_delivered:g}",
                        unit=unit,
                    ),
                )
            free, started = line._oms_cancellable()
            if float_compare(quantity, free, precision_rounding=rounding) > 0:
                raise OrderChangeRefused(
                    "being_prepared",
                    self.env._(
                        "%(product)s: only %(free)s %(unit)s can still be cancelled; "
                        "%(busy)s are already being prepared (%(pickings)s) and can no "
                        "longer change.",
                        product=product,
                        free=f"{free:g}",
                        unit=unit,
                        busy=f"{left - free:g}",
                        pickings=", ".join(
                            f"{p.name} ({p.picking_type_id.warehouse_id.name})" for p in started
                        ),
                    ),
                )

    def _oms_shipped_pickings(self):
        """Deliveries whose goods have left for the customer (or were handed over)."""
        return self.picking_ids.filtered(
            lambda p: (
                p.state == "done"
                and p.picking_type_code == "outgoing"
                and p.location_dest_id.usage == "customer"
            )
        )

    def _oms_started_open_pickings(self):
        """Open deliveries (and transfers) a node already started: they may not change."""
        return self.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel") and p._oms_chain_started()
        )

    def _oms_started_message(self, started):
        return self.env._(
            "%(order)s can no longer change this way: %(pickings)s %(verb)s already being "
            "prepared. What is being prepared ships as planned.",
            order=self.name,
            pickings=", ".join(
                f"{p.name} ({p.picking_type_id.warehouse_id.name})" for p in started
            ),
            verb=self.env._("is") if len(started) == 1 else self.env._("are"),
        )

    def _oms_lower_lines(self, wanted):
        """Take ``wanted`` off the lines and their deliveries nobody started. Deliveries
        shrink at each source (the router's shrink, sparing started ones); a click & collect
        order whose goods travel to the store by transfer is planned again instead, so no
        transfer keeps bringing cancelled units."""
        locked = self.locked
        if locked:
            self.action_unlock()
        transfers = self.picking_ids.filtered(
            lambda p: p.oms_shipment_kind == "transfer" and p.state not in ("done", "cancel")
        )
        if self.oms_delivery_mode == "pickup" and transfers:
            previous = {line.id: line.product_uom_qty for line in wanted}
            for line, quantity in wanted.items():
                line.with_context(skip_procurement=True).product_uom_qty = (
                    line.product_uom_qty - quantity
                )
            lines = self.order_line.browse(list(previous))
            changes = lines._oms_quantity_changes(previous).get(self.id, [])
            unstarted = self.picking_ids.filtered(
                lambda p: p.state not in ("done", "cancel") and not p._oms_chain_started()
            )
            self._oms_reroute(trigger="change", pickings=unstarted, changes=changes)
        else:
            for line, quantity in wanted.items():
                free_before, _started = line._oms_cancellable()
                line.with_context(oms_spare_started=True).product_uom_qty = (
                    line.product_uom_qty - quantity
                )
                free_after, _started = line._oms_cancellable()
                if float_compare(
                    free_before - free_after,
                    quantity,
                    precision_rounding=line.product_uom.rounding,
                ):
                    raise OrderChangeRefused(
                        "being_prepared",
                        self.env._(
                            "%(product)s could not be taken off its deliveries "
                            "automatically. Nothing was changed.",
                            product=line.product_id.display_name,
                        ),
                    )
        if locked:
            self.action_lock()

    # ------------------------------------------------------------------
    # Running a change: key, lock, record, tell
    # ------------------------------------------------------------------
    def _oms_run_change(self, operation, key, source, apply):
        """Run ``apply(key)`` - which returns ``(summary, refund request, message values)``
        or raises :class:`OrderChangeRefused` - once per ``key``, in a savepoint, and record
        it.
        ``source``: ``{"kind": back_office|api|mcp|shop, "client": name}``."""
        self.ensure_one()
        Change = self.env["oms.order.change"]
        replay = Change._oms_replay(key, self, operation)
        if replay is not None:
            return replay
        key = key or f"{self.id}-{operation}-{uuid.uuid4().hex}"
        source = dict(source or {})
        kind = source.get("kind") or "back_office"
        client = source.get("client") or self.env.user.name
        self._oms_lock_for_change()
        with self.env.cr.savepoint():
            summary, request, message = apply(key)
            answer = self._oms_change_answer(operation, key, summary, request)
            Change.sudo().create(
                {
                    "key": key,
                    "sale_order_id": self.id,
                    "operation": operation,
                    "source": kind,
                    "client": client,
                    "summary": summary,
                    "result": answer,
                    "refund_request_id": request.id,
                }
            )
        self._oms_log_change(operation, summary, kind, client, answer)
        if kind != "shop" and operation in CHANGES_TOLD_AS_CHANGED:
            # Cancellations reach the shop as order.cancelled and refund.requested.
            self._oms_enqueue("order.changed", key=key, operation=operation)
        if kind != "shop":
            # A change the shop made is the shop's to tell (and its money to move).
            if request:
                message["amount"] = request.amount_total
            self._oms_tell_customer(message.pop("event"), key, **message)
        return answer

    def _oms_lock_for_change(self):
        """Lock the order and the moves of its open deliveries, or fail at once (Odoo then
        retries the call): a store picking, the router or a shop update working on them at
        this moment holds these rows. The retry sees what they did."""
        self.env.cr.execute("SELECT id FROM sale_order WHERE id = %s FOR UPDATE NOWAIT", [self.id])
        moves = self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).move_ids
        if moves:
            self.env.cr.execute(
                "SELECT id FROM stock_move WHERE id IN %s FOR UPDATE NOWAIT", [tuple(moves.ids)]
            )

    def _oms_change_answer(self, operation, key, summary, request):
        """What the door answers: what changed, the money going back and the promise now,
        in words and in data."""
        self.ensure_one()
        self.invalidate_recordset()
        currency = self.currency_id
        refund = None
        if request:
            refund = {
                "amount": f"{request.amount_total:.{currency.decimal_places}f}",
                "currency": currency.name,
                "text": format_amount(self.env, request.amount_total, currency),
                "state": request.state,
            }
        promised = self.oms_ready_date or self.oms_promised_date
        return {
            "status": "done",
            "key": key,
            "operation": operation,
            "order": self.name,
            "order_state": self.state,
            "summary": summary,
            "refund": refund,
            "promised_date": fields.Date.to_string(promised.date()) if promised else None,
            "promise": self._oms_promise_text(),
        }

    def _oms_promise_text(self):
        """The order's promise now, in words (the reader's language and date format)."""
        self.ensure_one()
        if self.state == "cancel":
            return self.env._("Cancelled: nothing ships.")
        if self.oms_delivery_mode == "pickup" and self.oms_ready_date:
            return self.env._(
                "Ready for pickup at %(store)s on %(date)s.",
                store=self.oms_pickup_warehouse_id.name,
                date=format_date(self.env, self.oms_ready_date),
            )
        if self.oms_promised_date:
            return self.env._("Arrives by %s.", format_date(self.env, self.oms_promised_date))
        if self.oms_routing_state in ("hold", "waiting"):
            return self.env._("No date yet: the order waits for stock or for a decision.")
        return self.env._("No date promised.")

    def _oms_log_change(self, operation, summary, kind, client, answer):
        sources = dict(
            self.env["oms.order.change"]._fields["source"]._description_selection(self.env)
        )
        body = Markup("<p>%s</p><p>%s</p>") % (
            summary,
            self.env._(
                "%(what)s, asked by %(client)s (%(door)s). %(promise)s",
                what=dict(OPERATIONS)[operation],
                client=client,
                door=sources.get(kind, kind),
                promise=answer["promise"],
            ),
        )
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _oms_tell_customer(self, event, key, **values):
        """Tell the customer what changed, the money going back and the promise now, through
        the OMS's customer messages: once per (order, event, key), in the customer's
        language, never when the channel's shop writes to its customers. Orders typed in the
        back office without a channel follow Odoo's own sales e-mails."""
        self.ensure_one()
        if not self._oms_tells_customer():
            return None
        return self._oms_notify_customer(event, key=key, **values)

    # ------------------------------------------------------------------
    # Outbox: the shop hears of the change (order.changed)
    # ------------------------------------------------------------------
    def _oms_outbox_vals_order_changed(self, key=None, operation=None):
        self.ensure_one()
        if self.state != "sale":
            return None
        address = self.partner_shipping_id
        return self._oms_outbox_vals(
            "order.changed",
            {
                "external_id": self.oms_external_id or None,
                "order_name": self.name,
                "order_id": self.id,
                "key": key,
                "operation": operation,
                "shipping_address": {
                    "name": address.name or "",
                    "street": address.street or "",
                    "street2": address.street2 or "",
                    "city": address.city or "",
                    "zip": address.zip or "",
                    "country_code": address.country_id.code or "",
                    "state_code": address.state_id.code or "",
                    "phone": address.phone or "",
                },
                "delivery_mode": self.oms_delivery_mode,
                "pickup_store": self.oms_pickup_warehouse_id.code or None,
                "service_level": self.oms_service_level,
                "lines": [
                    {
                        "external_line_id": line.oms_external_line_id or None,
                        "sku": line.product_id.default_code or "",
                        "quantity": line.product_uom_qty,
                    }
                    for line in self._oms_product_lines()
                ],
            },
        )


def _child_key(key, suffix):
    return f"{key}:{suffix}"
