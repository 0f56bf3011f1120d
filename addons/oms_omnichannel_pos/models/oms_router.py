# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models



class RoutingStorePickings:
    """The store deliveries a routing run made (in the context as ``oms_store_collector``):
    offered to their stores once the whole plan is applied."""

    __slots__ = ("picking_ids",)

    def __init__(self):
        self.picking_ids = set()


class OmsRouter(models.AbstractModel):
    _inherit = "oms.router"

    @api.model
    def _route_lines(self, lines, *args, **kwargs):
        if self.env.context.get("oms_store_collector") is not None:
            return super()._route_lines(lines, *args, **kwargs)
        collector = RoutingStorePickings()
        decisions = super(OmsRouter, self.with_context(oms_store_collector=collector))._route_lines(
            lines, *args, **kwargs
        )
        if collector.picking_ids:
            pickings = self.env["stock.picking"].browse(sorted(collector.picking_ids)).exists()
            self.env["oms.store.order"].with_context(oms_store_collector=None)._oms_offer_pickings(
                pickings
            )
        return decisions

    @api.model
    def _get_warehouses_at_capacity(self, warehouses):
        """Stores count what they accepted or still have to accept, not deliveries made
        today: a store's capacity is its people's work. A store that said it is full
        (rejected for lack of capacity) gets nothing more until the end of its day."""
        store_ids = self.env["stock.warehouse"]._oms_store_ids()
        stores = warehouses.filtered(lambda wh: wh.id in store_ids)
        full = super()._get_warehouses_at_capacity(warehouses - stores)
        if not stores:
            return full
        now = fields.Datetime.now()
        full |= stores.filtered(lambda wh: wh.oms_full_until and wh.oms_full_until > now)
        limited = stores.filtered("oms_daily_capacity") - full
        if limited:
            load = self.env["oms.store.order"]._oms_store_load(limited)
            full |= limited.filtered(lambda wh: load.get(wh.id, 0) >= wh.oms_daily_capacity)
        return full
