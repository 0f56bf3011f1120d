from odoo import api, models

from .delivery_carrier import without_countries


class OmsNetwork(models.AbstractModel):
    _inherit = "oms.network"

    @api.model
    def _prepare_carrier_service(self, carrier):
        # A carrier the control tower switched off for a country serves no zone there until
        # it is switched back on (the health status invalidates the cached networks).
        service = super()._prepare_carrier_service(carrier)
        return without_countries(service, carrier._oms_countries_off())
