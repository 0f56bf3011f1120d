# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the shop and an external risk service said about an order, carried by the canonical
order (``risk``): the sync service asks the risk service outside any Odoo transaction and
passes its answer; Odoo scores it as one fact among the others."""

import math

from odoo import models
from odoo.addons.oms_omnichannel.models.oms_intake import IntakeError


class OmsIntake(models.AbstractModel):
    _inherit = "oms.intake"

    def _parse_order(self, payload):
        data = super()._parse_order(payload)
        data["risk"] = _risk(payload.get("risk") if isinstance(payload, dict) else None)
        return data

    def _prepare_order_vals(self, vals, data):
        vals = super()._prepare_order_vals(vals, data)
        risk = data.get("risk") or {}
        if risk.get("shop_verdict"):
            vals["oms_shop_risk"] = risk["shop_verdict"]
        external = risk.get("external")
        if external:
            vals.update(
                oms_risk_provider=external["provider"],
                oms_risk_provider_answered=external["score"] is not None,
                oms_risk_provider_score=external["score"] or 0.0,
                oms_risk_provider_detail=external["detail"],
            )
        return vals


def _risk(value):
    """``{"shop_verdict": "low"|"medium"|"high"|null, "external": {"provider", "score" 0..1 or
    null, "detail"}}``, checked."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise IntakeError("invalid_payload", "risk must be an object.", "risk")
    verdict = value.get("shop_verdict")
    if verdict not in (None, "low", "medium", "high"):
        raise IntakeError(
            "invalid_payload", f"Unknown shop risk verdict {verdict!r}.", "risk.shop_verdict"
        )
    external = value.get("external")
    if external is not None:
        if not isinstance(external, dict) or not str(external.get("provider") or "").strip():
            raise IntakeError(
                "invalid_payload", "risk.external needs its provider.", "risk.external.provider"
            )
        score = external.get("score")
        if score is not None and (
            isinstance(score, bool)
            or not isinstance(score, int | float)
            or not math.isfinite(score)
            or not 0 <= score <= 1
        ):
            raise IntakeError(
                "invalid_payload",
                "risk.external.score must be between 0 and 1.",
                "risk.external.score",
            )
        external = {
            "provider": str(external["provider"]).strip(),
            "score": None if score is None else float(score),
            "detail": str(external.get("detail") or ""),
        }
    return {"shop_verdict": verdict, "external": external}
