# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Refunds from the shops: ``oms.intake.apply_refunds`` (docs/contracts.md).

A refund in the shop is a fact (the customer has the money back); Odoo records it and does what
the back office would do by hand: units refunded before they shipped come off the open
deliveries, units to come back are announced to customer service, an invoiced order gets a
draft credit note. Keyed by (channel, the shop's refund id): a redelivery changes nothing.
"""

import logging

from markupsafe import Markup, escape
from odoo import api, models
from odoo.tools import float_is_zero, format_amount

from .oms_intake import IntakeError, _datetime, _decimal, _text
from .oms_order_refund import RESTOCK_TYPES
from .oms_outbox_event import defer_stock_changes

_logger = logging.getLogger(__name__)

RESTOCK_CODES = {code for code, _label in RESTOCK_TYPES}


class OmsIntake(models.AbstractModel):
    _inherit = "oms.intake"

    @api.model
    def apply_refunds(self, refunds):
        """Record shop refunds on their sale orders; one result per refund, in order."""
        return self._as_sync_service("apply_refunds")._apply_refunds(refunds)

    def _apply_refunds(self, refunds):
        with defer_stock_changes(self.env):
            return self._apply_each(
                "apply_refunds",
                refunds,
                ("channel", "external_id", "refund_id"),
                ("record_id", "order_id", "order_name"),
                self._apply_refund_one,
            )

    def _apply_refund_one(self, payload):
        status, refund = self._apply_refund(payload)
        order = refund.sale_order_id
        return {
            "status": status,
            "record_id": refund.id,
            "order_id": order.id,
            "order_name": order.name,
        }

    def _apply_refund(self, payload):
        data = self._parse_refund(payload)
        channel = self.env["oms.channel"].search(
            [("code", "=", data["channel"]), ("company_id", "in", self.env.companies.ids)],
            limit=1,
        )
        if not channel:
            raise IntakeError("unknown_channel", f"Unknown channel {data['channel']!r}.", "channel")
        Refund = self.env["oms.order.refund"]
        existing = Refund.search(
            [("channel_id", "=", channel.id), ("external_refund_id", "=", data["refund_id"])],
            limit=1,
        )
        if existing:
            return "unchanged", existing
        order = self.env["sale.order"].search(
            [("oms_channel_id", "=", channel.id), ("oms_external_id", "=", data["external_id"])],
            limit=1,
        )
        if not order:
            # The refund may have overtaken its order in the inbox: retried, then dead-lettered.
            raise IntakeError(
                "unknown_order",
                f"No order {data['external_id']} of channel {channel.code}.",
                "external_id",
            )
        lines = [self._match_refund_line(order, line, i) for i, line in enumerate(data["lines"])]
        refund = Refund.create(self._prepare_refund_vals(channel, order, data, lines))
        # A refund the OMS asked for (its key in the note) only confirms the request: the
        # order was reduced when the request was made.
        request = self.env["oms.refund.request"]._oms_awaiting(order, data["note"])
        if request:
            request._oms_confirm(refund)
        else:
            self._apply_refund_to_order(refund)
        return "created", refund

    def _match_refund_line(self, order, line, index):
        candidates = order.order_line.filtered(lambda ol: not ol.display_type)
        if line["external_id"]:
            matched = candidates.filtered(lambda ol: ol.oms_external_line_id == line["external_id"])
        else:
            matched = candidates.filtered(lambda ol: ol.product_id.default_code == line["sku"])
        if not matched:
            key = line["external_id"] or line["sku"]
            raise IntakeError(
                "unknown_line", f"Order {order.name} has no line {key!r}.", f"lines[{index}]"
            )
        return dict(line, sale_line=matched[0])

    def _prepare_refund_vals(self, channel, order, data, lines):
        """Hook: the ``oms.order.refund`` values built from a canonical refund."""
        currency = order.currency_id
        if data["currency"] and data["currency"] != currency.name:
            currency = (
                self.env["res.currency"]
                .with_context(active_test=False)
                .search([("name", "=", data["currency"])], limit=1)
            )
            if not currency:
                raise IntakeError(
                    "invalid_payload", f"Unknown currency {data['currency']!r}.", "currency"
                )
        return {
            "sale_order_id": order.id,
            "channel_id": channel.id,
            "external_refund_id": data["refund_id"],
            "refunded_at": data["created_at"],
            "currency_id": currency.id,
            "amount_total": data["amount"],
            "note": data["note"],
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "sale_line_id": line["sale_line"].id,
                        "product_id": line["sale_line"].product_id.id,
                        "external_line_id": line["external_id"],
                        "quantity": line["quantity"],
                        "amount": line["amount"],
                        "restock_type": line["restock_type"],
                    },
                )
                for line in lines
            ],
        }

    # ------------------------------------------------------------------
    # What the refund does to the order
    # ------------------------------------------------------------------
    def _apply_refund_to_order(self, refund):
        order = refund.sale_order_id
        not_reduced = self.env["oms.order.refund.line"]
        for line in refund.line_ids:
            if order.state == "cancel":
                continue  # nothing left to deliver, nothing shipped: recorded only
            if line.restock_type == "return":
                line.return_quantity = line.quantity
            elif line.restock_type == "cancel":
                cancelled = self._cancel_undelivered(line)
                if cancelled is None:
                    not_reduced |= line
                    continue
                line.cancelled_quantity = cancelled
                # Units the shop cancelled after they left: they can only come back.
                line.return_quantity = max(line.quantity - cancelled, 0.0)
        if refund.return_quantity:
            self._schedule_return_activity(refund)
        if not_reduced:
            self._schedule_manual_reduction(refund, not_reduced)
        refund.credit_note_id = self._create_credit_note(refund)
        order.message_post(body=self._refund_message(refund, not_reduced))

    def _cancel_undelivered(self, refund_line):
        """Take up to the refunded units off the line's open deliveries, the way Odoo does when
        a confirmed line's quantity decreases: a negative procurement that ``stock.move``'s
        ``_merge_moves`` absorbs into the open move. Done moves are never touched.

        Odoo sends that procurement to the order's warehouse with today's deadline; a routed
        order ships from the warehouses the router chose, with its promised deadline, so one
        procurement per (warehouse, deadline) of the open moves
        (``sale.order.line._oms_shrink_procurements``).
        Returns the units taken off, or None when Odoo could not absorb them (e.g. a delivery
        already printed for picking): nothing is changed then and a person is asked.
        """
        line = refund_line.sale_line_id
        order = line.order_id
        rounding = line.product_uom.rounding
        undelivered = line.product_uom_qty - line.qty_delivered
        quantity = min(refund_line.quantity, max(undelivered, 0.0))
        if float_is_zero(quantity, precision_rounding=rounding):
            return 0.0
        if order.state != "sale" or line.product_id.type != "consu":
            self._write_line_quantity(line, line.product_uom_qty - quantity)
            return quantity
        outgoing, incoming = line._get_outgoing_incoming_moves()
        open_moves = outgoing.filtered(lambda m: m.state not in ("done", "cancel"))
        if not open_moves:
            # Undelivered but nothing on its way (e.g. the delivery was cancelled by hand).
            self._write_line_quantity(line, line.product_uom_qty - quantity)
            return quantity
        try:
            with self.env.cr.savepoint():
                taken = self._shrink_open_moves(line, quantity)
                _after_out, after_in = line._get_outgoing_incoming_moves()
                if after_in - incoming:
                    # Not absorbed: Odoo turned the rest into a return receipt. Undo.
                    raise _NotAbsorbed()
        except _NotAbsorbed:
            return None
        return taken

    def _shrink_open_moves(self, line, quantity):
        before = {line.id: line.product_uom_qty}
        procurements, taken = line._oms_shrink_procurements(quantity)
        self._write_line_quantity(line, line.product_uom_qty - taken)
        self.env["procurement.group"].run(procurements)
        # The order's routing summary and history say what the deliveries are now.
        line.order_id._oms_record_change(
            "change", line._oms_quantity_changes(before).get(line.order_id.id, [])
        )
        return taken

    def _write_line_quantity(self, line, quantity):
        order = line.order_id
        locked = order.locked
        if locked:
            order.action_unlock()
        # skip_procurement: the procurements are ours, per warehouse (above).
        line.with_context(skip_procurement=True).product_uom_qty = quantity
        if locked:
            order.action_lock()

    def _schedule_return_activity(self, refund):
        items = ", ".join(
            f"{line.return_quantity:g} x {line.product_id.display_name}"
            for line in refund.line_ids
            if line.return_quantity
        )
        refund.sale_order_id.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Return expected (shop refund %s)", refund.external_refund_id),
            note=self.env._(
                "The shop refunded %(items)s; the customer should send them back. "
                "Receive the return on the delivery (Return button).",
                items=items,
            ),
            user_id=refund.sale_order_id.user_id.id or self.env.uid,
        )

    def _schedule_manual_reduction(self, refund, lines):
        items = ", ".join(f"{line.quantity:g} x {line.product_id.display_name}" for line in lines)
        refund.sale_order_id.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Reduce the delivery (shop refund %s)", refund.external_refund_id),
            note=self.env._(
                "The shop cancelled %(items)s before shipping, but the open delivery could not "
                "be reduced automatically (e.g. already printed). Remove them from the delivery.",
                items=items,
            ),
            user_id=refund.sale_order_id.user_id.id or self.env.uid,
        )

    def _create_credit_note(self, refund):
        """A draft credit note for the refunded units of an invoiced order
        (``sale.order._oms_draft_credit_note``); units the customer keeps are not linked to
        their order line."""
        items = [
            (line.sale_line_id, line.quantity, line.restock_type != "no_restock")
            for line in refund.line_ids
            if line.sale_line_id
        ]
        return refund.sale_order_id._oms_draft_credit_note(
            items, self.env._("Shop refund %s", refund.external_refund_id)
        )

    def _refund_message(self, refund, not_reduced):
        rows = []
        for line in refund.line_ids:
            what = dict(RESTOCK_TYPES)[line.restock_type]
            done = []
            if line.cancelled_quantity:
                done.append(self.env._("%g taken off the open deliveries", line.cancelled_quantity))
            if line.return_quantity:
                done.append(self.env._("%g expected back", line.return_quantity))
            if line in not_reduced:
                done.append(self.env._("delivery to be reduced by hand"))
            rows.append(
                Markup("<li>%s x %s (%s, %s)%s</li>")
                % (
                    f"{line.quantity:g}",
                    line.product_id.display_name,
                    what,
                    format_amount(self.env, line.amount, refund.currency_id),
                    Markup(": ") + escape("; ".join(done)) if done else "",
                )
            )
        title = self.env._(
            "Refund %(ref)s from %(channel)s: %(amount)s paid back.",
            ref=refund.external_refund_id,
            channel=refund.channel_id.name,
            amount=format_amount(self.env, refund.amount_total, refund.currency_id),
        )
        body = Markup("<p>%s</p>") % title
        if rows:
            body += Markup("<ul>%s</ul>") % Markup("").join(rows)
        if refund.note:
            body += Markup("<p>%s</p>") % refund.note
        if refund.credit_note_id:
            body += Markup("<p>%s</p>") % self.env._(
                "Draft credit note %s created for accounting.",
                refund.credit_note_id.display_name,
            )
        return body

    # ------------------------------------------------------------------
    # Payload parsing
    # ------------------------------------------------------------------
    def _parse_refund(self, payload):
        if not isinstance(payload, dict):
            raise IntakeError("invalid_payload", "A refund must be an object.")
        if not isinstance(payload.get("channel"), str):
            raise IntakeError("invalid_payload", "channel is required.", "channel")
        external_id = _text(payload.get("external_id"))
        if not external_id:
            raise IntakeError("invalid_payload", "external_id is required.", "external_id")
        refund_id = _text(payload.get("refund_id"))
        if not refund_id:
            raise IntakeError("invalid_payload", "refund_id is required.", "refund_id")
        lines = payload.get("lines") or []
        if not isinstance(lines, list):
            raise IntakeError("invalid_payload", "lines must be a list.", "lines")
        return {
            "channel": payload["channel"],
            "external_id": external_id,
            "refund_id": refund_id,
            "created_at": _datetime(payload.get("created_at"), "created_at"),
            "currency": _text(payload.get("currency")),
            "amount": _decimal(payload.get("amount"), "amount"),
            "note": _text(payload.get("note")),
            "lines": [_refund_line(line, index) for index, line in enumerate(lines)],
        }


class _NotAbsorbed(Exception):
    """Odoo's negative procurement did not shrink the open delivery (rolled back)."""


def _refund_line(value, index):
    prefix = f"lines[{index}]"
    if not isinstance(value, dict):
        raise IntakeError("invalid_payload", "A refund line must be an object.", prefix)
    external_id = _text(value.get("external_id"))
    sku = _text(value.get("sku"))
    if not external_id and not sku:
        raise IntakeError(
            "invalid_payload", "A refund line needs external_id or sku.", f"{prefix}.external_id"
        )
    quantity = _decimal(value.get("quantity"), f"{prefix}.quantity")
    if quantity < 0:
        raise IntakeError(
            "invalid_payload", "A refund quantity cannot be negative.", f"{prefix}.quantity"
        )
    restock_type = value.get("restock_type") or "no_restock"
    if restock_type not in RESTOCK_CODES:
        raise IntakeError(
            "invalid_payload",
            f"Unknown restock_type {restock_type!r}.",
            f"{prefix}.restock_type",
        )
    return {
        "external_id": external_id,
        "sku": sku,
        "quantity": quantity,
        "amount": _decimal(value.get("amount"), f"{prefix}.amount"),
        "restock_type": restock_type,
    }
