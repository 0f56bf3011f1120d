"""Wave release: which deliveries wait for a wave, and that they cannot leave before it.

A delivery is *not yet released* (``oms_wave_state == "waiting"``) when it was made for a
sale order as a parcel to the customer (role "Shipment" with a promised date: not a click &
collect handover, not a transfer to a store, not units waiting for stock), at a node that
releases in waves or for an order of a channel that does, and no wave has released it yet.
It keeps its reserved goods, shows in the wave, and cannot be validated. The next steps of a
delivery (pack, ship at a multi-step warehouse) inherit its wave and its release. A wave releases it
(``released``) - re-decided together with the wave's other orders where that saves parcels
within every promise - and from then on it is an ordinary delivery.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

WAVE_STATES = [("waiting", "Waiting for its wave"), ("released", "Released by its wave")]


class StockPicking(models.Model):
    _inherit = "stock.picking"

    oms_wave_id = fields.Many2one(
        "oms.wave", string="Wave", copy=False, readonly=True, index="btree_not_null"
    )
    oms_wave_state = fields.Selection(
        WAVE_STATES,
        string="Wave Release",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Waiting: the delivery is not released to its node yet; the next wave decides "
        "it with the others, then releases it. Empty: not part of a wave.",
    )
    oms_wave_released_at = fields.Datetime(string="Released On", copy=False, readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        pickings = super().create(vals_list)
        self.env["oms.tower.dashboard"]._notify_changed()
        return pickings

    def _oms_hold_for_wave(self):
        """Hold the deliveries routing just made that wait for a wave (or, made by the wave
        that is releasing them, mark them released)."""
        held = self.filtered(lambda p: not p.oms_wave_state and p._oms_waits_for_wave())
        if not held:
            return
        releasing = self.env.context.get("oms_wave_releasing")
        if releasing:
            held.write(
                {
                    "oms_wave_id": releasing,
                    "oms_wave_state": "released",
                    "oms_wave_released_at": fields.Datetime.now(),
                }
            )
            return
        for company, company_held in held.grouped("company_id").items():
            wave = self.env["oms.wave"].sudo()._open_wave(company)
            company_held.write({"oms_wave_id": wave.id, "oms_wave_state": "waiting"})

    def write(self, vals):
        result = super().write(vals)
        if {"state", "oms_wave_state", "oms_tracking_status"}.intersection(vals):
            self.env["oms.tower.dashboard"]._notify_changed()
        return result

    def _oms_waits_for_wave(self):
        """Whether this new delivery waits for a wave (see the module docstring)."""
        self.ensure_one()
        if (
            self.oms_shipment_kind != "ship"
            or not self.oms_promised_date
            or not self.sale_id
            or self.state in ("done", "cancel")
        ):
            return False
        return bool(
            self.picking_type_id.warehouse_id.oms_wave_release
            or self.sale_id.oms_channel_id.oms_wave_release
        )

    def _action_done(self):
        waiting = self.filtered(lambda p: p.oms_wave_state == "waiting")
        if waiting:
            raise UserError(
                self.env._(
                    "%(deliveries)s cannot be validated yet: they wait for their wave "
                    "(%(waves)s), which decides them together with the other orders and "
                    "then releases them.",
                    deliveries=", ".join(waiting.mapped("name")),
                    waves=", ".join(waiting.oms_wave_id.mapped("display_name")),
                )
            )
        return super()._action_done()
