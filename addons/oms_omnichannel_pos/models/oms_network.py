# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import dataclasses

from odoo import api, models
from odoo.addons.oms_omnichannel.models.oms_network import _float_to_time


class OmsNetwork(models.AbstractModel):
    _inherit = "oms.network"

    @api.model
    def _prepare_node(self, warehouse):
        """A store prepares orders while it is open: what reaches it after closing time (or
        after its cutoff, if earlier) is prepared on its next working day, and the promise
        says so."""
        node = super()._prepare_node(warehouse)
        if warehouse.oms_node_kind != "store" or not warehouse.oms_closing_hour:
            return node
        closing = _float_to_time(warehouse.oms_closing_hour)
        if closing < node.cutoff:
            node = dataclasses.replace(node, cutoff=closing)
        return node
