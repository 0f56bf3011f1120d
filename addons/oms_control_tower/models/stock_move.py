from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _get_new_picking_values(self):
        # The next step of a delivery (pack, ship) belongs to the wave of the step before it:
        # released with it, never held again by a wave of its own.
        vals = super()._get_new_picking_values()
        origin = self.move_orig_ids.picking_id.filtered("oms_wave_state")[:1]
        if origin:
            vals.update(
                oms_wave_id=origin.oms_wave_id.id,
                oms_wave_state=origin.oms_wave_state,
                oms_wave_released_at=origin.oms_wave_released_at,
            )
        return vals
