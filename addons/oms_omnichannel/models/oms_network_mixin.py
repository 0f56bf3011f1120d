from odoo import api, models


class OmsNetworkDataMixin(models.AbstractModel):
    """Master data the engine's network is built from: changing a record tells the network
    which record changed, so every process re-prepares that record only (see
    ``oms.network.version``)."""

    _name = "oms.network.data.mixin"
    _description = "Fulfilment Network Master Data"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env["oms.network"]._invalidate_records(records)
        return records

    def write(self, vals):
        if not self._oms_network_relevant(vals):
            return super().write(vals)
        versions = self.env["oms.network.version"]
        # Before and after: a record moving to another company (or a zone to another
        # carrier) changes both networks.
        changes = versions._changes_of(self)
        res = super().write(vals)
        versions._record([*changes, *versions._changes_of(self)])
        return res

    def unlink(self):
        versions = self.env["oms.network.version"]
        changes = versions._changes_of(self)
        res = super().unlink()
        versions._record(changes)
        return res

    def _oms_network_relevant(self, vals):
        """Whether a write of ``vals`` changes what the engine sees."""
        return True
