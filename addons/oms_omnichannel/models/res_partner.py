from odoo import models

NODE_ADDRESS_FIELDS = {"zip", "country_id", "tz", "partner_latitude", "partner_longitude"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        res = super().write(vals)
        # A node's address feeds its country, holidays, time zone and coordinates.
        if NODE_ADDRESS_FIELDS & set(vals):
            self.env["oms.network"].sudo()._invalidate_records(self)
        return res
