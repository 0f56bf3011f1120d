# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class OmsStoreStockCorrection(models.AbstractModel):
    """What a store's reject reason says about its stock, applied the way Odoo audits stock:
    an inventory adjustment (Inventory > Moves History, named after the order and the
    reason), so routing stops sending what is not there."""

    _name = "oms.store.stock.correction"
    _description = "Store Stock Correction"

    @api.model
    def _apply(self, reason, store, quantities, store_order):
        """Apply ``reason``'s effect at ``store`` for ``quantities`` (``{product: qty}``, the
        product's unit) that ``store_order`` could not serve."""
        effect = reason.stock_effect
        if effect == "store_full":
            store.sudo().oms_full_until = store._oms_end_of_local_day()
            return
        if effect not in ("not_on_shelf", "damaged"):
            return
        name = self.env._(
            "%(reason)s: %(order)s at %(store)s",
            reason=reason.name,
            order=store_order.name,
            store=store.name,
        )
        for product, quantity in quantities.items():
            quants = self._quants(product, store)
            if effect == "not_on_shelf":
                targets = self._nothing_left_to_sell(quants)
            else:
                targets = self._minus(quants, quantity)
            self._adjust(targets, name, count_again=effect == "not_on_shelf")

    @api.model
    def _quants(self, product, store):
        return (
            self.env["stock.quant"]
            .sudo()
            .search(
                [
                    ("product_id", "=", product.id),
                    ("location_id", "child_of", store.lot_stock_id.id),
                    ("location_id.usage", "=", "internal"),
                    ("quantity", ">", 0),
                ],
                order="location_id, id",
            )
        )

    @api.model
    def _nothing_left_to_sell(self, quants):
        """Every unit nobody reserved comes off: what other orders reserved stays theirs."""
        return [(quant, quant.reserved_quantity) for quant in quants if quant.quantity > quant.reserved_quantity]

    @api.model
    def _minus(self, quants, quantity):
        """``quantity`` comes off, unreserved units first."""
        targets, remaining = {}, quantity
        for quant in quants:
            take = min(remaining, max(quant.quantity - quant.reserved_quantity, 0.0))
            if take > 0:
                targets[quant] = quant.quantity - take
                remaining -= take
        for quant in quants:
            if remaining <= 0:
                break
            left = targets.get(quant, quant.quantity)
            take = min(remaining, left)
            if take > 0:
                targets[quant] = left - take
                remaining -= take
        return list(targets.items())

    @api.model
    def _adjust(self, targets, name, count_again=False):
        if not targets:
            return
        quants = self.env["stock.quant"].concat(*(quant for quant, _qty in targets))
        for quant, new_quantity in targets:
            quant.with_context(inventory_mode=True).write(
                {"inventory_quantity": new_quantity, "inventory_quantity_set": True}
            )
        quants.with_context(inventory_name=name)._apply_inventory()
        if count_again:
            # "Until counted": the quants show in Physical Inventory as to count today.
            quants.write({"inventory_date": fields.Date.context_today(self)})
