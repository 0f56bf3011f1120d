# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Labels the sync service bought: ``oms.intake.apply_labels`` (docs/contracts.md).

The answer to ``label.requested``: the carrier's tracking number and the label's PDF go on the
parcel. Keyed by the request's key: a label already attached answers ``unchanged`` and changes
nothing (the carrier adapter buys once per key, but a redelivered answer must not attach a
second label).
"""

import base64
import binascii

from markupsafe import Markup
from odoo import api, models
from odoo.tools import format_amount

from .oms_intake import IntakeError, _decimal, _text

MAX_LABEL_BYTES = 5 * 1024 * 1024


class OmsIntake(models.AbstractModel):
    _inherit = "oms.intake"

    @api.model
    def apply_labels(self, labels):
        """Attach bought labels (or record why none could be bought); one result per label."""
        return self._as_sync_service("apply_labels")._apply_labels(labels)

    def _apply_labels(self, labels):
        return self._apply_each(
            "apply_labels", labels, ("key",), ("picking_id", "picking_name"), self._apply_label_one
        )

    def _apply_label_one(self, payload):
        status, request = self._apply_label(payload)
        picking = request.picking_id
        return {"status": status, "picking_id": picking.id, "picking_name": picking.name}

    def _apply_label(self, payload):
        if not isinstance(payload, dict):
            raise IntakeError("invalid_payload", "A label must be an object.")
        key = _text(payload.get("key"))
        if not key:
            raise IntakeError("invalid_payload", "key is required.", "key")
        status = payload.get("status")
        if status not in ("bought", "failed"):
            raise IntakeError("invalid_payload", f"Unknown status {status!r}.", "status")
        request = self.env["oms.label.request"].search(
            [("key", "=", key), ("company_id", "in", self.env.companies.ids)], limit=1
        )
        if not request:
            raise IntakeError("unknown_label", f"No label request {key}.", "key")
        if request.state == "bought":
            return "unchanged", request
        if status == "failed":
            error = _text(payload.get("error")) or "The carrier sold no label."
            if request.state == "failed" and request.error == error:
                return "unchanged", request
            request.write({"state": "failed", "error": error})
            request._oms_label_failed()
            return "updated", request
        tracking = _text(payload.get("tracking_number"))
        if not tracking:
            raise IntakeError(
                "invalid_payload", "A bought label has a tracking number.", "tracking_number"
            )
        pdf = self._label_pdf(payload.get("label_pdf"))
        vals = {
            "state": "bought",
            "error": False,
            "tracking_number": tracking,
            "carrier_name": _text(payload.get("carrier")),
            "label_url": _text(payload.get("label_url")),
        }
        currency = _text(payload.get("currency"))
        if currency:
            found = (
                self.env["res.currency"]
                .with_context(active_test=False)
                .search([("name", "=", currency)], limit=1)
            )
            if not found:
                raise IntakeError("invalid_payload", f"Unknown currency {currency!r}.", "currency")
            vals["currency_id"] = found.id
            vals["cost"] = _decimal(payload.get("cost"), "cost")
        picking = request.picking_id
        if pdf:
            vals["label_attachment_id"] = (
                self.env["ir.attachment"]
                .create(
                    {
                        "name": f"{picking.name.replace('/', '-')}-label.pdf",
                        "raw": pdf,
                        "mimetype": "application/pdf",
                        "res_model": "stock.picking",
                        "res_id": picking.id,
                    }
                )
                .id
            )
        request.write(vals)
        picking.carrier_tracking_ref = tracking
        picking.message_post(
            body=self._label_message(request),
            attachment_ids=request.label_attachment_id.ids,
        )
        request._oms_label_bought()
        return "updated", request

    def _label_pdf(self, value):
        if not value:
            return None
        if not isinstance(value, str):
            raise IntakeError("invalid_payload", "label_pdf is base64 text.", "label_pdf")
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise IntakeError("invalid_payload", "label_pdf is not base64.", "label_pdf") from None
        if len(raw) > MAX_LABEL_BYTES or not raw.startswith(b"%PDF"):
            raise IntakeError(
                "invalid_payload", "label_pdf must be a PDF of at most 5 MB.", "label_pdf"
            )
        return raw

    def _label_message(self, request):
        text = self.env._(
            "Label bought from %(carrier)s, tracking number %(number)s.",
            carrier=request.carrier_name or self.env._("the carrier"),
            number=request.tracking_number,
        )
        if request.currency_id:
            text += " " + self.env._(
                "It cost %s.", format_amount(self.env, request.cost, request.currency_id)
            )
        return Markup("<p>%s</p>") % text
