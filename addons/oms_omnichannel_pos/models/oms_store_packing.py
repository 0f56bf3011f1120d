# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Picking and packing a store order: what was found goes out (or to the pickup shelf), what
was not is rejected for that quantity and routed elsewhere."""

from odoo import api, fields, models
from odoo.tools import float_compare, float_is_zero

from ..exceptions import StoreRefusal


class OmsStorePacking(models.AbstractModel):
    _name = "oms.store.packing"
    _description = "Store Orders: Pick and Pack"

    @api.model
    def _lines(self, store_order):
        """What the POS shows to pick, pack or hand over: one line per stock move."""
        lines = []
        coming_moves = store_order._oms_coming_moves()
        for move in store_order._oms_moves().sorted(lambda m: (m.sale_line_id.sequence, m.id)):
            product = move.product_id
            coming = move in coming_moves
            lines.append(
                {
                    "move_id": move.id,
                    "product_id": product.id,
                    "product_name": product.display_name,
                    "barcode": product.barcode or "",
                    "default_code": product.default_code or "",
                    "quantity": move.product_qty,
                    "picked_quantity": move.quantity if move.picked else 0.0,
                    "uom": product.uom_id.name,
                    "coming": coming,
                    "unit_price": move.sale_line_id.price_reduce_taxinc,
                    "sale_line_id": move.sale_line_id.id,
                }
            )
        return lines

    @api.model
    def _pack(self, store_order, picked, reason=None, package_type=None, carrier=None, tracking_ref="", config=None):
        """Record what the store picked (``picked``: ``{move id: quantity}``) and go on:
        a shipped order's delivery is validated (packed in ``package_type``, with ``carrier``
        and ``tracking_ref``), a collected one goes to the pickup shelf. Missing items need
        ``reason``: they are rejected for that quantity and routed elsewhere."""
        if store_order.state == "new":
            raise StoreRefusal(
                self.env._("Accept %(order)s before picking it.", order=store_order.name)
            )
        if store_order.state != "accepted":
            raise StoreRefusal(store_order._oms_why_not_open())
        moves = store_order._oms_moves().filtered(lambda m: m.state not in ("done", "cancel"))
        unknown = set(picked) - set(moves.ids)
        if unknown:
            raise StoreRefusal(
                self.env._(
                    "Some of the items you picked are not part of %(order)s any more: open "
                    "the order again.",
                    order=store_order.name,
                )
            )
        ready = moves - store_order._oms_coming_moves()
        short = {}
        for move in ready:
            quantity = picked.get(move.id, 0.0)
            rounding = move.product_uom.rounding
            if float_compare(quantity, move.product_uom_qty, precision_rounding=rounding) > 0:
                raise StoreRefusal(
                    self.env._(
                        "%(order)s asks for %(asked)s × %(product)s: you picked %(picked)s.",
                        order=store_order.name,
                        asked=f"{move.product_uom_qty:g}",
                        product=move.product_id.display_name,
                        picked=f"{quantity:g}",
                    )
                )
            if float_compare(quantity, 0.0, precision_rounding=rounding) < 0:
                raise StoreRefusal(self.env._("A picked quantity cannot be negative."))
            missing = move.product_uom_qty - quantity
            if not float_is_zero(missing, precision_rounding=rounding):
                short[move] = missing
        if not ready:
            raise StoreRefusal(
                self.env._(
                    "The goods of %(order)s have not arrived at your store yet.",
                    order=store_order.name,
                )
            )
        if all(float_is_zero(picked.get(m.id, 0.0), precision_rounding=m.product_uom.rounding) for m in ready):
            raise StoreRefusal(
                self.env._("Nothing was picked: reject %(order)s instead.", order=store_order.name)
            )
        if short and not reason:
            raise StoreRefusal(
                self.env._("Say why items are missing: they are routed to another node.")
            )
        config_id = config.id if config else False
        self._record_picked(ready, picked, short)
        if short:
            self._short_pick(store_order, short, reason, config_id)
        if store_order.kind == "ship":
            return self._ship(store_order, package_type, carrier, tracking_ref, config_id)
        return self._to_pickup_shelf(store_order, config_id)

    @api.model
    def _record_picked(self, moves, picked, short):
        for move in moves:
            quantity = picked.get(move.id, 0.0)
            if move in short:
                if float_is_zero(quantity, precision_rounding=move.product_uom.rounding):
                    move._action_cancel()
                    continue
                move.product_uom_qty = quantity
            move.write({"quantity": quantity, "picked": True})

    @api.model
    def _short_pick(self, store_order, short, reason, config_id):
        quantities = {}
        for move, missing in short.items():
            quantities[move.product_id] = quantities.get(move.product_id, 0.0) + missing
        step = store_order._oms_log_step(
            "short_picked",
            reason_id=reason.id,
            quantity=sum(quantities.values()),
            note=", ".join(f"{qty:g} × {product.display_name}" for product, qty in quantities.items()),
            pos_config_id=config_id,
        )
        self.env["oms.store.fulfilment"]._reroute_without(
            store_order,
            self.env["stock.picking"],
            "store_rejected",
            {
                "code": "store_short_picked",
                "node": store_order.warehouse_id.id,
                "user": self.env.user.name,
                "reject_reason": reason.id,
                "items": [[product.id, qty] for product, qty in quantities.items()],
            },
        )
        self.env["oms.store.stock.correction"]._apply(
            reason, store_order.warehouse_id, quantities, store_order
        )
        return step

    @api.model
    def _ship(self, store_order, package_type, carrier, tracking_ref, config_id):
        picking = store_order.picking_id
        vals = {}
        if carrier:
            vals["carrier_id"] = carrier.id
        if tracking_ref:
            vals["carrier_tracking_ref"] = tracking_ref
        if vals:
            picking.write(vals)
        move_lines = picking.move_line_ids.filtered(lambda ml: ml.quantity and not ml.result_package_id)
        if package_type and move_lines:
            package = picking._put_in_pack(move_lines)
            package.package_type_id = package_type
        result = picking.with_context(
            skip_backorder=True, picking_ids_not_to_backorder=picking.ids
        ).button_validate()
        if result is not True or picking.state != "done":
            raise StoreRefusal(
                self.env._(
                    "Odoo could not validate the delivery of %(order)s: open it in the back "
                    "office (%(picking)s).",
                    order=store_order.name,
                    picking=picking.name,
                )
            )
        # The delivery's validation ends the store order (stock.picking._action_done).
        return store_order._oms_log_step(
            "packed",
            note=" ".join(filter(None, [picking.carrier_id.name, picking.carrier_tracking_ref])),
            pos_config_id=config_id,
        )

    @api.model
    def _to_pickup_shelf(self, store_order, config_id):
        """Picked for the customer to collect: ready when everything is on the shelf."""
        moves = store_order._oms_moves().filtered(lambda m: m.state not in ("done", "cancel"))
        if not moves or not all(move.picked for move in moves):
            # The rest is still on its way to the store: ready once it is picked too.
            return store_order._oms_log_step("picked", pos_config_id=config_id)
        return self.env["oms.store.handover"]._mark_ready(store_order, config_id)
