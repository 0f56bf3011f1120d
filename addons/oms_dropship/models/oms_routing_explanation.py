# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class OmsRoutingExplanation(models.AbstractModel):
    _inherit = "oms.routing.explanation"

    @api.model
    def _render_statement(self, statement, names, company):
        if statement.get("code") != "dropship_rejected":
            return super()._render_statement(statement, names, company)
        args = self._format_args(statement, names, company)
        args.setdefault("user", self.env._("someone"))
        args["note"] = (statement.get("note") or "").strip() or self.env._("no reason given")
        return self.env._(
            "The supplier %(node)s turned the delivery down: %(note)s (%(user)s). It was "
            "planned again without %(node)s.",
            **args,
        )
