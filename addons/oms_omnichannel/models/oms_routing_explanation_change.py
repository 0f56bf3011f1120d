# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class OmsRoutingExplanation(models.AbstractModel):
    _inherit = "oms.routing.explanation"

    @api.model
    def _render_statement(self, statement, names, company):
        if statement.get("code") != "mode_changed":
            return super()._render_statement(statement, names, company)
        args = self._format_args(statement, names, company)
        if statement.get("mode") == "pickup":
            return self.env._(
                "%(user)s changed the order to collect at %(node)s: the deliveries nobody had "
                "started were planned again.",
                **args,
            )
        if statement.get("level") == "express":
            return self.env._(
                "%(user)s changed the order to express delivery: the deliveries nobody had "
                "started were planned again.",
                **args,
            )
        return self.env._(
            "%(user)s changed the order to standard home delivery: the deliveries nobody had "
            "started were planned again.",
            **args,
        )
