from odoo import fields, models


class OmsChannel(models.Model):
    _inherit = "oms.channel"

    oms_wave_release = fields.Boolean(
        string="Release in Waves",
        help="Parcels of this channel's orders wait, not released, until the next wave, "
        "whichever node ships them: the wave re-decides them together (fewer parcels, or "
        "as many for less, where that keeps every promise), then releases them.",
    )
