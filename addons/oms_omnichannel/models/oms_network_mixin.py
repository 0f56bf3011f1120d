from odoo import api, models


class OmsNetworkDataMixin(models.AbstractModel):
    """Master data the engine's network is built from: changing it forgets the cached
    networks (in every worker, through the registry's cache invalidation)."""

    _name = "oms.network.data.mixin"
    _description = "Fulfilment Network Master Data"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env["oms.network"]._invalidate()
        return records

    def write(self, vals):
        res = super().write(vals)
        if self._oms_network_relevant(vals):
            self.env["oms.network"]._invalidate()
        return res

    def unlink(self):
        res = super().unlink()
        self.env["oms.network"]._invalidate()
        return res

    def _oms_network_relevant(self, vals):
        """Whether a write of ``vals`` changes what the engine sees."""
        return True
