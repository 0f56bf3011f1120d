from odoo import models

NODE_ADDRESS_FIELDS = {"zip", "country_id", "tz", "partner_latitude", "partner_longitude"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        res = super().write(vals)
        # A node's address feeds its country, holidays, time zone and coordinates.
        if NODE_ADDRESS_FIELDS & set(vals) and self.env["stock.warehouse"].sudo().search_count(
            [("partner_id", "in", self.ids)], limit=1
        ):
            self.env["oms.network"]._invalidate()
        return res
