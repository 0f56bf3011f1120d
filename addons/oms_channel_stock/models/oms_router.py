# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class OmsRouter(models.AbstractModel):
    _inherit = "oms.router"

    @api.model
    def _get_engine_stock(self, order, products, warehouses):
        """The core's stock, where fences hold: what the order's channel may sell there
        (an order without a channel sees what no channel owns), in whole units.

        The order previews and the change preview read the same method, so they see the
        fences too.
        """
        stock = super()._get_engine_stock(order, products, warehouses)
        channel = order.oms_channel_id
        allowed = (channel.warehouse_ids & warehouses) if channel.warehouse_ids else warehouses
        fences = self.env["oms.channel.stock"]._get_fences(products, allowed)
        if not fences:
            return stock
        Fences = self.env["oms.channel.stock"]
        network = self.env["oms.network"]
        fenced_products = products.browse({product_id for product_id, _wh in fences})
        fenced_warehouses = allowed.browse({wh_id for _p, wh_id in fences})
        node_of = network._get_node_keys(fenced_warehouses)
        free = self.env["oms.sellable.stock"]._get_on_hand_free(fenced_products, fenced_warehouses)
        for product in fenced_products:
            sku = network._sku(product)
            units = dict(stock.get(sku, {}))
            for warehouse in fenced_warehouses:
                key = (product.id, warehouse.id)
                if key not in fences:
                    continue
                qty = free.get((warehouse.id, product.id), 0.0)
                visible = Fences._fenced_quantity(channel, qty, fences[key]) - channel.safety_stock
                node = node_of[warehouse.id]
                if visible >= 1:
                    units[node] = int(visible)
                else:
                    units.pop(node, None)
            if units:
                stock[sku] = units
            else:
                stock.pop(sku, None)
        return stock
