# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import format_date

from .stock_picking import TRACKING_STATUSES

# Carrier statuses that mean the parcel is in trouble (late whatever the promise).
TROUBLE = ("exception", "failure", "return_to_sender")


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _oms_chain_started(self):
        """Whether a node started this open delivery or a step before it (customer
        service's changes may not touch it)."""
        self.ensure_one()
        return self._oms_is_started() or self.move_ids._oms_chain_started()

    def _oms_cs_shipment(self):
        """One parcel (or handover in a store) in words."""
        self.ensure_one()
        env = self.env
        store = self.picking_type_id.warehouse_id
        promised = self.oms_promised_date
        now = fields.Datetime.now()
        tracking = dict(TRACKING_STATUSES).get(self.oms_tracking_status) or ""
        tracking = dict(self._fields["oms_tracking_status"]._description_selection(env)).get(
            self.oms_tracking_status, tracking
        )
        shipped = self.state == "done"
        delivered = self.oms_tracking_status == "delivered" or (
            shipped and self.oms_shipment_kind == "pickup"
        )
        if self.state == "cancel":
            status = env._("Cancelled")
        elif shipped:
            status = tracking or env._("Left %(node)s on %(date)s", node=store.name,
                                       date=format_date(env, self.date_done))  # fmt: skip
        elif self._oms_chain_started():
            status = env._("Being prepared at %s", store.name)
        elif self.move_ids.filtered("oms_backorder"):
            status = env._("Waiting for stock")
        else:
            status = env._("Planned at %s", store.name)
        late_reason = ""
        if self.oms_tracking_status in TROUBLE:
            late_reason = env._("The carrier reports: %s", self.oms_tracking_message or tracking)
        elif promised and promised < now and not delivered:
            late_reason = (
                env._(
                    "Promised by %(date)s; last carrier scan: %(scan)s%(where)s.",
                    date=format_date(env, promised),
                    scan=tracking or env._("none yet"),
                    where=env._(" in %s", self.oms_tracking_location)
                    if self.oms_tracking_location
                    else "",
                )
                if shipped
                else env._(
                    "Promised by %(date)s but it has not left %(node)s yet.",
                    date=format_date(env, promised),
                    node=store.name,
                )
            )
        return {
            "reference": self.name,
            "from": store.name,
            "kind": "pickup" if self.oms_shipment_kind == "pickup" else "parcel",
            "status": status,
            "shipped": shipped,
            "carrier": self.carrier_id.name or None,
            "tracking_number": self.carrier_tracking_ref or None,
            "tracking_url": self.carrier_tracking_url or None,
            "promised": format_date(env, promised) if promised else None,
            "late": bool(late_reason),
            "late_reason": late_reason,
            "items": ", ".join(
                f"{m.product_uom_qty:g} x {m.product_id.name}"
                for m in self.move_ids.filtered(lambda m: m.state != "cancel")
            ),
        }
