# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Order events for the outbox: accepted (with its shipments) and cancelled."""

from collections import defaultdict

from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        result = super().action_confirm()
        self._oms_enqueue("order.accepted")
        return result

    def write(self, vals):
        result = super().write(vals)
        if vals.get("oms_decision_id"):
            # A re-route changes the shipments the shop was told about.
            self.filtered(lambda o: o.state == "sale")._oms_enqueue("order.accepted")
        return result

    def _action_cancel(self):
        was_open = self.filtered(lambda o: o.state != "cancel")
        result = super()._action_cancel()
        reason = self.env.context.get("oms_cancel_reason") or "cancelled"
        was_open.filtered(lambda o: o.state == "cancel")._oms_enqueue(
            "order.cancelled", reason=reason
        )
        return result

    def _oms_enqueue(self, topic, **extra):
        orders = self.filtered("oms_channel_id")
        if orders:
            self.env["oms.outbox.event"]._enqueue(topic, orders, **extra)

    # ------------------------------------------------------------------
    # Payload builders, called when the transaction flushes its outbox
    # ------------------------------------------------------------------
    def _oms_outbox_vals(self, topic, payload):
        self.ensure_one()
        return {
            "topic": topic,
            "channel_code": self.oms_channel_id.code,
            "res_model": self._name,
            "res_id": self.id,
            "payload": payload,
        }

    def _oms_outbox_vals_order_accepted(self):
        self.ensure_one()
        if self.state != "sale":
            return None
        return self._oms_outbox_vals(
            "order.accepted",
            {
                "external_id": self.oms_external_id or None,
                "order_name": self.name,
                "order_id": self.id,
                "reservation_id": self.oms_reservation_id or None,
                "shipments": self._oms_planned_shipments(),
            },
        )

    def _oms_outbox_vals_order_cancelled(self, reason="cancelled"):
        self.ensure_one()
        return self._oms_outbox_vals(
            "order.cancelled",
            {
                "external_id": self.oms_external_id or None,
                "order_name": self.name,
                "order_id": self.id,
                "reason": reason,
            },
        )

    def _oms_planned_shipments(self):
        """Shipments as routed: from the routing decision, else from the open deliveries."""
        self.ensure_one()
        decision = self.oms_decision_id
        if decision:
            return self._oms_shipments_from_decision(decision)
        return self._oms_shipments_from_pickings()

    def _oms_shipments_from_decision(self, decision):
        grouped = defaultdict(list)
        for line in decision.line_ids.filtered(lambda d: d.kind == "shipment"):
            grouped[line.shipment_index].append(line)
        shipments = []
        for index in sorted(grouped):
            lines = grouped[index]
            first = lines[0]
            shipments.append(
                {
                    "warehouse": first.warehouse_id.code,
                    "carrier": first.carrier_id.name or None,
                    "promised_date": _iso(first.promised_date),
                    "lines": _sku_lines((line.product_id, line.quantity) for line in lines),
                }
            )
        return shipments

    def _oms_shipments_from_pickings(self):
        shipments = []
        pickings = self.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
        )
        for picking in pickings.sorted("id"):
            shipments.append(
                {
                    "warehouse": picking.picking_type_id.warehouse_id.code,
                    "carrier": picking.carrier_id.name or None,
                    "promised_date": _iso(
                        picking.oms_promised_date or picking.date_deadline or picking.scheduled_date
                    ),
                    "lines": _sku_lines(
                        (move.product_id, move.product_qty) for move in picking.move_ids
                    ),
                }
            )
        return shipments


def _iso(value):
    return value and fields.Datetime.to_string(value).replace(" ", "T") + "Z"


def _sku_lines(product_quantities):
    totals = defaultdict(float)
    for product, quantity in product_quantities:
        totals[product.default_code or ""] += quantity
    return [{"sku": sku, "quantity": quantity} for sku, quantity in totals.items()]
