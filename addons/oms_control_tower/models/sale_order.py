from odoo import api, models

# Fields whose change moves an order between the cockpit's figures.
WATCHED = {"state", "oms_routing_state", "oms_payment_status", "oms_channel_id"}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        self.env["oms.tower.dashboard"]._notify_changed()
        return orders

    def write(self, vals):
        result = super().write(vals)
        if WATCHED.intersection(vals):
            self.env["oms.tower.dashboard"]._notify_changed()
        return result
