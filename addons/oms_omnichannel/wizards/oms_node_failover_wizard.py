from odoo import api, fields, models


class OmsNodeFailoverWizard(models.TransientModel):
    """Switch a node off for routing and move its open, unstarted deliveries elsewhere."""

    _name = "oms.node.failover.wizard"
    _description = "Switch Off a Node"

    warehouse_id = fields.Many2one("stock.warehouse", string="Node", required=True)
    picking_ids = fields.Many2many(
        "stock.picking",
        compute="_compute_picking_ids",
        string="Deliveries That Would Move",
    )
    picking_count = fields.Integer(compute="_compute_picking_ids")
    reroute = fields.Boolean(
        string="Re-route Them",
        default=True,
        help="Off: the node is switched off for new orders only; "
        "its open deliveries stay where they are.",
    )

    @api.depends("warehouse_id")
    def _compute_picking_ids(self):
        for wizard in self:
            pickings = wizard.warehouse_id._oms_open_unstarted_deliveries()
            wizard.picking_ids = pickings
            wizard.picking_count = len(pickings)

    def action_switch_off(self):
        self.ensure_one()
        warehouse = self.warehouse_id
        pickings = warehouse._oms_open_unstarted_deliveries()
        warehouse.oms_routing_enabled = False
        if self.reroute and pickings:
            orders = pickings.sale_id
            for order in orders:
                order._oms_reroute(
                    trigger="failover",
                    excluded_warehouses=warehouse,
                    pickings=pickings.filtered(lambda p, order=order: p.sale_id == order),
                )
        return {"type": "ir.actions.act_window_close"}
