# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class StockQuant(models.Model):
    _inherit = "stock.quant"

    @api.model
    def _update_available_quantity(self, product_id, location_id, *args, **kwargs):
        # Every change of on-hand or reserved quantity goes through here (moves done,
        # reservations, inventory adjustments): mark the product and warehouse so the
        # outbox publishes its sellable figure once, when the transaction flushes.
        result = super()._update_available_quantity(product_id, location_id, *args, **kwargs)
        warehouse = location_id.warehouse_id
        if location_id.usage == "internal" and warehouse and product_id.is_storable:
            self.env["oms.outbox.event"]._enqueue_stock_change({(product_id.id, warehouse.id)})
        return result
