# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

# What makes a parcel worth judging again at once, not at the next full scan.
RESCAN_FIELDS = ("oms_tracking_status", "oms_tracking_date", "state", "oms_released")

DELAY_STATES = [("ok", "On time"), ("at_risk", "At risk"), ("late", "Late")]


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # Kept by the delay scan (oms.delay.scan), written only when they change.
    oms_delay_status = fields.Selection(
        DELAY_STATES,
        string="Delivery Promise",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="At risk or late, as the delay scan found it; empty: on time (or not judged).",
    )
    oms_expected_date = fields.Date(
        string="Now Expected",
        copy=False,
        readonly=True,
        help="When the parcel is expected now, as the delay scan worked it out.",
    )
    oms_delay_final = fields.Boolean(
        copy=False, readonly=True, help="Delivered or sent back: the delay scan is done with it."
    )
    oms_delay_id = fields.Many2one("oms.delivery.delay", string="Delay", copy=False, readonly=True)
    oms_delay_rescan = fields.Boolean(
        copy=False,
        readonly=True,
        help="Its carrier or node said something new: judge it again now.",
    )

    def write(self, vals):
        if any(name in vals for name in RESCAN_FIELDS) and not self.env.context.get(
            "oms_delay_scan"
        ):
            parcels = self.filtered(lambda p: p.oms_shipment_kind == "ship")
            if parcels:
                result = super().write(vals)
                super(StockPicking, parcels).write({"oms_delay_rescan": True})
                self.env["oms.delay.scan"]._trigger_soon()
                return result
        return super().write(vals)
