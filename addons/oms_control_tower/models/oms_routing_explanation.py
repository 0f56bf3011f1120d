from odoo import api, models


class OmsRoutingExplanation(models.AbstractModel):
    """The control tower's reasons for planning an order again, in the order's history."""

    _inherit = "oms.routing.explanation"

    @api.model
    def _render_statement(self, statement, names, company):
        code = statement.get("code")
        if code == "health_switch_off":
            event = self.env["oms.health.event"].sudo().browse(statement.get("event")).exists()
            if not event:
                return self.env._(
                    "The control tower switched a node or carrier off for routing: the "
                    "deliveries nobody had started were planned again."
                )
            return self.env._(
                "%(explanation)s The deliveries nobody had started were planned again.",
                explanation=event.with_context(lang=self.env.lang).explanation,
            )
        if code == "wave":
            wave = self.env["oms.wave"].sudo().browse(statement.get("wave")).exists()
            return self.env._(
                "Planned again in %(wave)s together with the wave's other orders: together "
                "they ship in fewer parcels or for less, and this order still arrives by its "
                "promise.",
                wave=wave.name or self.env._("a wave"),
            )
        return super()._render_statement(statement, names, company)
