from odoo import fields, models
from odoo.tools import float_compare, groupby


class StockMove(models.Model):
    _inherit = "stock.move"

    oms_backorder = fields.Boolean(
        string="Backordered by Routing",
        readonly=True,
        help="No node could source these units when the order was routed: they wait for "
        "stock at the order's warehouse (or its pickup store), with no promised date.",
    )

    def _prepare_merge_moves_distinct_fields(self):
        # Units waiting for stock never merge into units the router sourced: the order's
        # summary tells them apart, and lowering a quantity takes the waiting ones first.
        return [*super()._prepare_merge_moves_distinct_fields(), "oms_backorder"]

    def _get_new_picking_values(self):
        """A routed delivery is born with its carrier, promised date, role and decision.

        The router passes them per source warehouse in the context of the procurement run
        (``oms_picking_values``: pairs of warehouse id and field items, hashable like the
        rest of the context); writing them afterwards would recompute the pickings twice.
        The next step of a routed delivery at a multi-step warehouse (pick, then pack, then
        the parcel that leaves), which Odoo creates when the step before it is done, takes
        them from that step.
        """
        vals = super()._get_new_picking_values()
        per_warehouse = dict(self.env.context.get("oms_picking_values") or ())
        picking_type = self.picking_type_id[:1]
        extra = per_warehouse.get(picking_type.warehouse_id.id)
        if extra:
            extra = dict(extra)
            # As Odoo does with the order's carrier: every step of the delivery route
            # carries it (its rules propagate the carrier), other pickings do not.
            if picking_type.code != "outgoing" and not any(
                rule.propagate_carrier for rule in self.rule_id
            ):
                extra.pop("carrier_id", None)
            vals.update(extra)
        elif self.move_orig_ids:
            previous = self.move_orig_ids.picking_id.filtered("oms_shipment_kind")[:1]
            if previous:
                vals.update(
                    oms_decision_id=previous.oms_decision_id.id,
                    oms_promised_date=previous.oms_promised_date,
                    oms_shipment_kind=previous.oms_shipment_kind,
                )
                if previous.carrier_id:
                    vals["carrier_id"] = previous.carrier_id.id
        return vals

    def _search_picking_for_assignation_domain(self):
        """Routed goods and the rest of an order never share a delivery: a routed parcel
        has a carrier, a promised date and a weight the router planned, and the goods it
        did not route (consumables, services' goods, lines on a route of their own) leave
        the order's warehouse in a delivery of their own, as Odoo makes it."""
        domain = super()._search_picking_for_assignation_domain()
        if self.env.context.get("oms_picking_values") is not None:  # a routing run
            return [*domain, ("oms_shipment_kind", "!=", False)]
        order = self.group_id.sale_id
        if not order.oms_decision_id:
            return domain
        # The move's line (or, for a next step, the step before) says which side it is on.
        siblings = (self.sale_line_id.move_ids - self).picking_id | self.move_orig_ids.picking_id
        routed = any(siblings.mapped("oms_shipment_kind"))
        return [*domain, ("oms_shipment_kind", "!=" if routed else "=", False)]

    # A procurement group the router created for its run (``oms_routing_run`` in the
    # context, see oms.router) has no delivery but those the run makes. So Odoo's search for
    # an open picking to join is answered from the run's memory instead of the database, and
    # the deliveries of all sources are created in one batch when the first is needed.

    def _action_confirm(self, merge=True, merge_into=False):
        run = self.env.context.get("oms_routing_run")
        if run is None:
            return super()._action_confirm(merge=merge, merge_into=merge_into)
        # The moves Odoo will assign to pickings: those still draft when confirmed.
        run.confirming.append(self.filtered(lambda move: move.state == "draft"))
        try:
            return super()._action_confirm(merge=merge, merge_into=merge_into)
        finally:
            run.confirming.pop()

    def _assign_picking(self):
        """Odoo's assignment (stock.move._assign_picking), for moves of a group the router
        created: every picking the moves being confirmed need is created in one ``create``
        before the first is assigned, instead of one ``create`` per source."""
        run = self.env.context.get("oms_routing_run")
        if (
            run is None
            or not run.confirming
            or not self
            or any(move.group_id.id not in run.new_group_ids for move in self)
        ):
            return super()._assign_picking()
        self._oms_create_run_pickings(run, run.confirming[-1])
        for key, moves in groupby(self, key=lambda move: move._oms_assignation_key()):
            moves = self.browse().concat(*moves)
            picking = run.pickings.get(key)
            new = bool(picking) and picking.id in run.new_picking_ids
            if new:
                run.new_picking_ids.discard(picking.id)
                moves = moves.filtered(lambda move: not move._oms_is_negative())
            elif picking:
                vals = moves._assign_picking_values(picking)
                if vals:
                    picking.write(vals)
            if not picking or not moves:
                continue
            moves.write({"picking_id": picking.id})
            moves._assign_picking_post_process(new=new)
        return True

    def _oms_create_run_pickings(self, run, confirming):
        """Create, in one batch, the pickings that the moves being confirmed will need and
        the run has not made yet; negative moves never get a new picking (as in Odoo)."""
        todo = confirming.filtered(
            lambda move: (
                move.group_id.id in run.new_group_ids
                and move._should_be_assigned()
                and not move._oms_is_negative()
            )
        )
        groups = [
            (key, self.browse().concat(*moves))
            for key, moves in groupby(todo, key=lambda move: move._oms_assignation_key())
            if key not in run.pickings
        ]
        if not groups:
            return
        pickings = self.env["stock.picking"].create(
            [moves._get_new_picking_values() for _key, moves in groups]
        )
        for (key, _moves), picking in zip(groups, pickings, strict=True):
            run.pickings[key] = picking
            run.new_picking_ids.add(picking.id)

    def _oms_is_negative(self):
        self.ensure_one()
        return (
            float_compare(self.product_uom_qty, 0.0, precision_rounding=self.product_uom.rounding)
            < 0
        )

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
