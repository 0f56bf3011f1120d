# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import float_round


class OmsChannel(models.Model):
    _inherit = "oms.channel"

    @api.model
    def _oms_sellable_rows(self, products, warehouses, pairs=None, channels=None):
        """The core's rows with the fences applied: a channel sees the free stock minus what
        the other channels own (or only its own units), then minus its safety stock.

        Both ``export_sellable`` and the outbox's ``stock.changed`` events are built from
        these rows, so the checkout projection follows the fences.
        """
        rows = super()._oms_sellable_rows(products, warehouses, pairs=pairs, channels=channels)
        if not rows:
            return rows
        fences = self.env["oms.channel.stock"]._get_fences(products, warehouses)
        if not fences:
            return rows
        fenced_products = products.browse({product_id for product_id, _wh in fences})
        fenced_warehouses = warehouses.browse({wh_id for _p, wh_id in fences})
        free = self._oms_free_quantities(fenced_products, fenced_warehouses)
        wh_id_of = {wh.code: wh.id for wh in fenced_warehouses}
        if channels is None:
            channels = self.sudo().search([])
        channel_of = {channel.code: channel for channel in channels}
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        Fences = self.env["oms.channel.stock"]
        for row in rows:
            key = (row["product_id"], wh_id_of.get(row["warehouse"]))
            if key not in fences:
                continue
            channel = channel_of[row["channel"]]
            visible = Fences._fenced_quantity(channel, free.get(key, 0.0), fences[key])
            sellable = visible - channel.safety_stock
            row["sellable"] = max(0.0, float_round(sellable, precision_digits=digits))
        return rows
