from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    oms_decision_id = fields.Many2one(
        "oms.routing.decision", string="Routing Decision", copy=False, index="btree_not_null"
    )
    oms_promised_date = fields.Datetime(
        string="Promised Delivery", copy=False, help="Delivery date promised to the customer."
    )
    oms_shipment_kind = fields.Selection(
        [("ship", "Shipment"), ("pickup", "Pickup in store"), ("transfer", "Transfer to store")],
        string="OMS Role",
        copy=False,
    )

    def _oms_is_started(self):
        """Started = done, or someone already picked something (quantities marked picked).

        Reserved-but-untouched deliveries are not started: cancelling them only releases the
        reservation.
        """
        self.ensure_one()
        if self.state == "done":
            return True
        if self.state == "cancel":
            return False
        return any(move.picked for move in self.move_ids)
