# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class StockQuant(models.Model):
    _inherit = "stock.quant"

    @api.model
    def _update_available_quantity(self, product_id, location_id, *args, **kwargs):
        # Every change of on-hand or reserved quantity goes through here (moves done,
        # reservations, inventory adjustments): mark the product and location so the outbox
        # publishes the sellable figure of the node whose stock the location counts in, once,
        # when the transaction flushes. Not Odoo's warehouse of the location: that one also
        # covers the input and output zones, and lags behind a location moved to another
        # warehouse below the one moved.
        result = super()._update_available_quantity(product_id, location_id, *args, **kwargs)
        if location_id.usage == "internal" and product_id.is_storable:
            self.env["oms.outbox.event"]._enqueue_stock_change(
                (), {(product_id.id, location_id.id)}
            )
        return result
