# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

try:  # the manifest's external dependency; the rule is shared with the sync service
    from oms_engine.tracking import scan_moves_parcel
except ImportError:  # pragma: no cover
    scan_moves_parcel = None

# The carriers' statuses (docs/contracts.md, apply_tracking); which scan moves a parcel is
# oms_engine.tracking's rule.
TRACKING_STATUSES = [
    ("pre_transit", "Label created"),
    ("in_transit", "In transit"),
    ("out_for_delivery", "Out for delivery"),
    ("delivered", "Delivered"),
    ("available_for_pickup", "Available for pickup"),
    ("return_to_sender", "Returned to sender"),
    ("failure", "Delivery failed"),
    ("exception", "Exception"),
    ("unknown", "Unknown"),
]
TRACKING_CODES = frozenset(code for code, _label in TRACKING_STATUSES)
# Event ids kept per delivery to recognise carriers' redeliveries.
TRACKING_EVENT_MEMORY = 200


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

    # Carrier tracking status, applied by ``oms.intake.apply_tracking``.
    oms_tracking_status = fields.Selection(
        TRACKING_STATUSES, string="Tracking Status", copy=False, index="btree_not_null"
    )
    oms_tracking_date = fields.Datetime(string="Last Carrier Scan", copy=False)
    oms_tracking_location = fields.Char(string="Last Scan Location", copy=False)
    oms_tracking_message = fields.Char(string="Last Carrier Message", copy=False)
    oms_tracking_event_ids = fields.Json(
        string="Carrier Events Seen", copy=False, help="Event ids already applied."
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

    # ------------------------------------------------------------------ outbox

    def _action_done(self):
        result = super()._action_done()
        self._oms_enqueue_shipped()
        return result

    def write(self, vals):
        result = super().write(vals)
        if vals.get("carrier_tracking_ref"):
            # A tracking number typed after validation: tell the shop again, with it.
            self._oms_enqueue_shipped()
        return result

    def _oms_enqueue_shipped(self):
        shipped = self.filtered(
            lambda p: (
                p.state == "done" and p.picking_type_code == "outgoing" and p.sale_id.oms_channel_id
            )
        )
        if shipped:
            self.env["oms.outbox.event"]._enqueue("shipment.shipped", shipped)

    def _oms_outbox_vals_shipment_shipped(self):
        self.ensure_one()
        order = self.sale_id
        if self.state != "done" or not order:
            return None
        lines = []
        for move in self.move_ids.filtered(lambda m: m.state == "done"):
            quantity = move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id)
            lines.append(
                {
                    "sku": move.product_id.default_code or "",
                    "quantity": quantity,
                    "external_line_id": move.sale_line_id.oms_external_line_id or None,
                }
            )
        return {
            "topic": "shipment.shipped",
            "channel_code": order.oms_channel_id.code,
            "res_model": self._name,
            "res_id": self.id,
            "payload": {
                "external_id": order.oms_external_id or None,
                "order_name": order.name,
                "picking_id": self.id,
                "picking_name": self.name,
                "warehouse": self.picking_type_id.warehouse_id.code,
                "carrier": self.carrier_id.name or None,
                "carrier_code": self.carrier_id.oms_carrier_code or None,
                "tracking_number": self.carrier_tracking_ref or None,
                "tracking_url": self.carrier_tracking_url or None,
                "lines": lines,
            },
        }
