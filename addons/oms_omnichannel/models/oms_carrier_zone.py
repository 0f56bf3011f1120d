from odoo import api, fields, models


class OmsCarrierZone(models.Model):
    """Transit days of a carrier service to a destination zone.

    A zone is a country, optionally narrowed by a postal-code prefix ("10" covers 10115 and
    10999); the longest matching prefix wins.
    """

    _name = "oms.carrier.zone"
    _inherit = ["oms.network.data.mixin"]
    _description = "Carrier Transit Zone"
    _order = "carrier_id, country_id, postal_prefix desc, id"

    carrier_id = fields.Many2one("delivery.carrier", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="carrier_id.company_id", store=True)
    country_id = fields.Many2one("res.country", required=True)
    postal_prefix = fields.Char(string="Postal Code Prefix", help="Empty: the whole country.")
    transit_days = fields.Integer(default=1, required=True)

    _sql_constraints = [
        (
            "transit_days_positive",
            "CHECK(transit_days >= 0)",
            "Transit days cannot be negative.",
        ),
    ]

    @api.depends("country_id", "postal_prefix", "transit_days")
    def _compute_display_name(self):
        for zone in self:
            where = zone.country_id.code or ""
            if zone.postal_prefix:
                where = f"{where} {zone.postal_prefix}*"
            zone.display_name = self.env._(
                "%(where)s: %(days)s days", where=where, days=zone.transit_days
            )
