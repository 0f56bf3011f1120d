from markupsafe import Markup
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
    is_pickup_point = fields.Boolean(related="warehouse_id.oms_pickup_point")
    stop_pickups = fields.Boolean(
        string="Stop Click & Collect Here Too",
        help="Customers can no longer collect orders here: its click & collect orders move "
        "to the nearest pickup store that has everything ready (the customer is told by "
        "e-mail), or are held for a person. Left off, the store keeps handing over orders "
        "and their goods come by transfer from other nodes. Switching the node on again "
        "does not restore click & collect: tick Pickup Point on the node.",
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
        vals = {"oms_routing_enabled": False}
        if self.stop_pickups and warehouse.oms_pickup_point:
            vals["oms_pickup_point"] = False
        warehouse.write(vals)
        orders = self.env["sale.order"]
        if self.reroute and pickings:
            orders = pickings.sale_id
            for order in orders:
                order._oms_reroute(
                    trigger="failover",
                    excluded_warehouses=warehouse,
                    pickings=pickings.filtered(lambda p, order=order: p.sale_id == order),
                )
        warehouse._message_log(body=self._switch_off_note(pickings, orders))
        return {"type": "ir.actions.act_window_close"}

    def _switch_off_note(self, pickings, orders):
        """What the failover did, for the node's chatter, with links to the orders moved."""
        if not orders:
            return Markup("<p>%s</p>") % self.env._(
                "Switched off for routing: no delivery was moved."
            )
        text = Markup(
            self.env._(
                "Switched off for routing: %(count)s open deliveries planned again (%(orders)s)."
            )
        ) % {
            "count": len(pickings),
            "orders": Markup(", ").join(order._get_html_link() for order in orders),
        }
        return Markup("<p>%s</p>") % text
