from odoo import api, fields, models


class OmsRerouteWizard(models.TransientModel):
    """Re-route confirmed orders whose deliveries have not started."""

    _name = "oms.reroute.wizard"
    _description = "Re-route Orders"

    sale_order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    excluded_warehouse_ids = fields.Many2many(
        "stock.warehouse",
        string="Leave Out Nodes",
        help="Nodes the new plan must not use (e.g. the store that rejected the order).",
    )
    picking_ids = fields.Many2many(
        "stock.picking",
        compute="_compute_picking_ids",
        string="Deliveries to Cancel",
        help="Unstarted deliveries that are cancelled and planned again.",
    )
    blocked_order_ids = fields.Many2many(
        "sale.order",
        compute="_compute_picking_ids",
        string="Orders Not Re-routed",
        help="Orders that are not confirmed: they are skipped.",
    )

    @api.depends("sale_order_ids")
    def _compute_picking_ids(self):
        for wizard in self:
            orders = wizard.sale_order_ids
            wizard.blocked_order_ids = orders.filtered(lambda o: o.state != "sale")
            wizard.picking_ids = (orders - wizard.blocked_order_ids).picking_ids.filtered(
                lambda p: p.state not in ("done", "cancel") and not p._oms_is_started()
            )

    def action_reroute(self):
        self.ensure_one()
        orders = self.sale_order_ids - self.blocked_order_ids
        decisions = orders._oms_reroute(
            trigger="reroute", excluded_warehouses=self.excluded_warehouse_ids
        )
        if len(orders) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "sale.order",
                "res_id": orders.id,
                "view_mode": "form",
                "target": "current",
            }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Routing Decisions"),
            "res_model": "oms.routing.decision",
            "domain": [("id", "in", decisions.ids)],
            "view_mode": "list,form",
        }
