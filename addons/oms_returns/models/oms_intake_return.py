# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Returns the shops report: ``oms.intake.apply_returns`` (docs/contracts.md).

A shop's return (Shopify's ``returns/request`` or ``returns/approve``) becomes an ``oms.return``
of the order, routed like any mailed return. Keyed by (channel, the shop's return id): a
redelivered webhook answers ``unchanged`` and changes nothing. A return the OMS refuses (more
than was delivered, a line already returned) answers an error with the refusal's code, which
the sync service does not retry (``refused``, the refusal's own code in ``reason``).
"""

from odoo import api, models
from odoo.addons.oms_omnichannel.models.oms_intake import (
    IntakeError,
    _decimal,
    _text,
)

from .oms_return import ReturnRefused
from .oms_return_line import GRADES, REASONS

REASON_CODES = {code for code, _label in REASONS}
GRADE_CODES = {code for code, _label in GRADES}


class OmsIntake(models.AbstractModel):
    _inherit = "oms.intake"

    @api.model
    def apply_returns(self, returns):
        """Record the shops' returns on their orders; one result per return, in order."""
        return self._as_sync_service("apply_returns")._apply_returns(returns)

    def _apply_returns(self, returns):
        return self._apply_each(
            "apply_returns",
            returns,
            ("channel", "external_id", "return_id"),
            ("record_id", "return_name", "order_id", "order_name"),
            self._apply_return_one,
        )

    def _apply_return_one(self, payload):
        status, ret = self._apply_return(payload)
        order = ret.sale_order_id
        return {
            "status": status,
            "record_id": ret.id,
            "return_name": ret.name,
            "order_id": order.id,
            "order_name": order.name,
        }

    def _error_of(self, error, external_id):
        if isinstance(error, ReturnRefused):
            # Asking again cannot change the answer: "refused" is not retried.
            return IntakeError("refused", error.args[0], reason=error.code)
        return super()._error_of(error, external_id)

    def _apply_return(self, payload):
        data = self._parse_return(payload)
        channel = self.env["oms.channel"].search(
            [("code", "=", data["channel"]), ("company_id", "in", self.env.companies.ids)],
            limit=1,
        )
        if not channel:
            raise IntakeError("unknown_channel", f"Unknown channel {data['channel']!r}.", "channel")
        key = f"shop-{channel.id}-{data['return_id']}"
        existing = self.env["oms.return"].search([("key", "=", key)], limit=1)
        if existing:
            return "unchanged", existing
        order = self.env["sale.order"].search(
            [("oms_channel_id", "=", channel.id), ("oms_external_id", "=", data["external_id"])],
            limit=1,
        )
        if not order:
            raise IntakeError(
                "unknown_order",
                f"No order {data['external_id']} of channel {channel.code}.",
                "external_id",
            )
        items = []
        for index, line in enumerate(data["lines"]):
            matched = self._match_refund_line(order, line, index)
            items.append(
                {
                    "sale_line": matched["sale_line"],
                    "quantity": line["quantity"],
                    "reason": line["reason"],
                    "condition": line["condition"],
                }
            )
        ret = self.env["oms.return"]._oms_create_return(
            order,
            items,
            kind="mail",
            key=key,
            source={"kind": "shop", "client": channel.name},
            note=data["note"],
            external_return_id=data["return_id"],
        )
        return "created", ret

    def _parse_return(self, payload):
        if not isinstance(payload, dict):
            raise IntakeError("invalid_payload", "A return must be an object.")
        if not isinstance(payload.get("channel"), str):
            raise IntakeError("invalid_payload", "channel is required.", "channel")
        for name in ("external_id", "return_id"):
            if not _text(payload.get(name)):
                raise IntakeError("invalid_payload", f"{name} is required.", name)
        lines = payload.get("lines")
        if not isinstance(lines, list) or not lines:
            raise IntakeError("invalid_payload", "A return has lines.", "lines")
        parsed = []
        for index, line in enumerate(lines):
            prefix = f"lines[{index}]"
            if not isinstance(line, dict):
                raise IntakeError("invalid_payload", "A return line must be an object.", prefix)
            if not _text(line.get("external_id")) and not _text(line.get("sku")):
                raise IntakeError(
                    "invalid_payload", "A return line needs external_id or sku.", prefix
                )
            reason = line.get("reason") or "other"
            if reason not in REASON_CODES:
                reason = "other"
            condition = line.get("condition") or (
                "defective" if reason == "defective" else "as_new"
            )
            if condition not in GRADE_CODES:
                raise IntakeError(
                    "invalid_payload", f"Unknown condition {condition!r}.", f"{prefix}.condition"
                )
            parsed.append(
                {
                    "external_id": _text(line.get("external_id")),
                    "sku": _text(line.get("sku")),
                    "quantity": _decimal(line.get("quantity"), f"{prefix}.quantity"),
                    "reason": reason,
                    "condition": condition,
                }
            )
        return {
            "channel": payload["channel"],
            "external_id": _text(payload["external_id"]),
            "return_id": _text(payload["return_id"]),
            "note": _text(payload.get("note")),
            "lines": parsed,
        }
