# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class OmsRouter(models.AbstractModel):
    _inherit = "oms.router"

    @api.model
    def _route_lines(self, lines, *args, **kwargs):
        # Every routing run (confirmation, re-route, change) offers the deliveries it sent to
        # drop-ship nodes to their suppliers.
        decisions = super()._route_lines(lines, *args, **kwargs)
        self.env["oms.dropship.delivery"]._oms_offer(lines.order_id.picking_ids)
        return decisions
