from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _get_new_picking_values(self):
        """A routed delivery is born with its carrier, promised date and decision.

        The router passes them per source warehouse in the context of the procurement run
        (``oms_picking_values``: pairs of warehouse id and field items, hashable like the
        rest of the context); writing them afterwards would recompute the pickings twice.
        """
        vals = super()._get_new_picking_values()
        per_warehouse = dict(self.env.context.get("oms_picking_values") or ())
        picking_type = self.picking_type_id[:1]
        extra = per_warehouse.get(picking_type.warehouse_id.id)
        if extra:
            extra = dict(extra)
            if picking_type.code != "outgoing":
                extra.pop("carrier_id", None)
            vals.update(extra)
        return vals
