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

    # A procurement group the router created for its run (``oms_routing_run`` in the
    # context, see oms.router) has no delivery but those the run makes: Odoo's search for
    # an open picking to join is answered from the run's memory instead of the database.

    def _search_picking_for_assignation(self):
        run = self.env.context.get("oms_routing_run")
        if run is not None and self.group_id.id in run.new_group_ids:
            return run.pickings.get(self._oms_assignation_key(), self.env["stock.picking"])
        return super()._search_picking_for_assignation()

    def _assign_picking_post_process(self, new=False):
        run = self.env.context.get("oms_routing_run")
        if run is not None and self[:1].group_id.id in run.new_group_ids:
            run.pickings.setdefault(self[:1]._oms_assignation_key(), self.picking_id[:1])
        return super()._assign_picking_post_process(new=new)

    def _oms_assignation_key(self):
        """The fields Odoo's ``_search_picking_for_assignation_domain`` matches a picking
        on, for a move with a procurement group."""
        self.ensure_one()
        return (
            self.group_id.id,
            self.location_id.id,
            self.location_dest_id.id or self.picking_type_id.default_location_dest_id.id,
            self.picking_type_id.id,
        )
