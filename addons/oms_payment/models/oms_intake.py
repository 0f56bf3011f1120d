# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sync service's door for payment events: a shop's or a payment service's "this order
is paid" heard on its own (Shopify ``orders/paid``, a PSP webhook), batched and idempotent."""

from decimal import Decimal, InvalidOperation

from odoo import api, fields, models
from odoo.addons.oms_omnichannel.models.oms_intake import IntakeError


class OmsIntake(models.AbstractModel):
    _inherit = "oms.intake"

    @api.model
    def apply_payments(self, payments):
        """Record payments of orders, one result per payment in the same order; each in its
        own savepoint, so one bad payment never fails the others. Idempotent by
        (channel, order, reference): a payment heard again answers ``unchanged``.

        A payment: ``{"channel", "external_id", "reference", "amount", "currency",
        "occurred_at"}`` (money as a decimal string). It releases an order that waited for
        it; for a cancelled order it answers ``refund_due``: kept and flagged for customer
        service, never lost.
        """
        return self._as_sync_service("apply_payments")._apply_payments(payments)

    def _apply_payments(self, payments):
        return self._apply_each(
            "apply_payments",
            payments,
            ("channel", "external_id", "reference"),
            ("order_id",),
            self._apply_payment,
        )

    def _apply_payment(self, data):
        if not isinstance(data, dict):
            raise IntakeError("invalid_payload", "A payment must be an object.")
        channel = self.env["oms.channel"].search(
            [("code", "=", data.get("channel")), ("company_id", "in", self.env.companies.ids)],
            limit=1,
        )
        if not channel:
            raise IntakeError("unknown_channel", f"Unknown channel {data.get('channel')!r}.")
        order = self.env["sale.order"].search(
            [
                ("oms_channel_id", "=", channel.id),
                ("oms_external_id", "=", str(data.get("external_id") or "")),
            ],
            limit=1,
        )
        if not order:
            raise IntakeError(
                "unknown_order", f"No order {data.get('external_id')!r} in {channel.code}."
            )
        reference = str(data.get("reference") or "").strip()
        if not reference:
            raise IntakeError("invalid_payload", "A payment needs its reference.")
        try:
            amount = Decimal(str(data.get("amount")))
        except (InvalidOperation, ValueError):
            raise IntakeError(
                "invalid_payload", f"Invalid amount {data.get('amount')!r}."
            ) from None
        if amount <= 0:
            raise IntakeError("invalid_payload", "The amount must be positive.")
        currency = order.currency_id
        if data.get("currency") and data["currency"] != currency.name:
            raise IntakeError(
                "invalid_payload",
                f"The payment is in {data['currency']}, the order in {currency.name}.",
            )
        date = fields.Datetime.now()
        if data.get("occurred_at"):
            try:
                date = fields.Datetime.to_datetime(
                    str(data["occurred_at"]).replace("T", " ").replace("Z", "")[:19]
                )
            except ValueError:
                raise IntakeError("invalid_payload", "Invalid occurred_at.") from None
        payment, new = order._oms_register_payment("shop", reference, float(amount), currency, date)
        status = (
            "unchanged" if not new else "refund_due" if payment.state == "refund_due" else "applied"
        )
        return {"status": status, "order_id": order.id}
