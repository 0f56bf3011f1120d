# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    oms_store_order_ids = fields.One2many(
        "oms.store.order", "picking_id", string="Store Orders", readonly=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        pickings = super().create(vals_list)
        # Routing collects the deliveries it makes and offers those of stores once the whole
        # plan is applied (oms.router._route_lines): transfers to a pickup store exist then.
        collector = self.env.context.get("oms_store_collector")
        if collector is not None:
            collector.picking_ids.update(
                p.id for p in pickings if p.oms_shipment_kind in ("ship", "pickup")
            )
        return pickings

    def write(self, vals):
        result = super().write(vals)
        if vals.get("oms_shipment_kind") in ("ship", "pickup") and not self.env.context.get(
            "oms_store_collector"
        ):
            # The rest of a store's delivery (a backorder) is offered to the store again.
            self.env["oms.store.order"]._oms_offer_pickings(self)
        return result

    @api.model
    def _create_picking_from_pos_order_lines(self, location_dest_id, lines, picking_type, partner=False):
        # The goods of lines the till only took the payment for leave with the sale order's
        # own delivery (hand-over, endless aisle): the till moves no stock for them.
        lines = lines.filtered(lambda line: not line.oms_delivered_by_order)
        return super()._create_picking_from_pos_order_lines(
            location_dest_id, lines, picking_type, partner=partner
        )

    def action_assign(self):
        paid_only = self.env.context.get("oms_till_paid_lines")
        if paid_only:
            # pos_sale re-reserves the deliveries of what a till sold; those of lines the till
            # only took the payment of were not touched (stock.move.write): left as they are.
            untouched = self.sudo().filtered(
                lambda p: p.move_ids and all(m.sale_line_id.id in paid_only for m in p.move_ids)
            )
            self = self - untouched.with_env(self.env)
            if not self:
                return True
        return super().action_assign()

    def _action_done(self):
        result = super()._action_done()
        done = self.filtered(lambda p: p.state == "done")
        store_orders = done.oms_store_order_ids.filtered(
            lambda so: so.state in ("new", "accepted", "ready")
        )
        if store_orders:
            store_orders._oms_close("done", done_date=fields.Datetime.now(), done_by_id=self.env.uid)
        return result

    def _oms_close_store_orders(self):
        cancelled = self.filtered(lambda p: p.state == "cancel")
        store_orders = cancelled.oms_store_order_ids.filtered(
            lambda so: so.state in ("new", "accepted", "ready")
        )
        if store_orders:
            store_orders._oms_close("cancelled", accept_deadline=False)
            store_orders._oms_log_step("cancelled")
