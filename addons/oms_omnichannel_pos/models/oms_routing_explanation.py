# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class OmsRoutingExplanation(models.AbstractModel):
    _inherit = "oms.routing.explanation"

    @api.model
    def _render_statement(self, statement, names, company):
        code = statement.get("code") or ""
        if not code.startswith("store_"):
            return super()._render_statement(statement, names, company)
        args = self._format_args(statement, names, company)
        reason = self.env["oms.store.reject.reason"].sudo().browse(statement.get("reject_reason") or [])
        args["reject_reason"] = reason.exists().name or self.env._("no reason given")
        note = (statement.get("note") or "").strip()
        args["note"] = f" ({note})" if note else ""
        args.setdefault("user", self.env._("someone"))
        sentences = {
            "store_accepted": lambda: self.env._("%(node)s accepted the order (%(user)s).", **args),
            "store_rejected": lambda: self.env._(
                "%(node)s rejected the order: %(reject_reason)s%(note)s (%(user)s). Its "
                "delivery was planned again without %(node)s.",
                **args,
            ),
            "store_short_picked": lambda: self.env._(
                "%(node)s could not find %(items)s: %(reject_reason)s (%(user)s). The missing "
                "units were planned again without %(node)s.",
                **args,
            ),
            "store_timeout": lambda: self.env._(
                "%(node)s did not accept the order in time: its delivery was planned again "
                "without %(node)s.",
                **args,
            ),
            "store_offer_won": lambda: self.env._(
                "%(node)s accepted the order first (%(user)s), before %(to)s: it ships from "
                "%(node)s.",
                **args,
            ),
            "store_ready": lambda: self.env._(
                "%(node)s put the order on the pickup shelf (%(user)s).", **args
            ),
        }
        sentence = sentences.get(code)
        return sentence() if sentence else None
