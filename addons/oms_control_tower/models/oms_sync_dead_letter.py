from odoo import fields, models


class OmsSyncDeadLetter(models.Model):
    _name = "oms.sync.dead.letter"
    _description = "Sync Service Dead Letter (as reported)"
    _order = "failed_at desc, id desc"
    _rec_name = "reference"

    health_id = fields.Many2one(
        "oms.sync.health", required=True, ondelete="cascade", index=True, readonly=True
    )
    reference = fields.Char(readonly=True, help="The dead letter's id in the sync service.")
    channel_code = fields.Char(string="Shop", readonly=True, index=True)
    channel_id = fields.Many2one("oms.channel", compute="_compute_channel_id")
    topic = fields.Char(readonly=True)
    error = fields.Text(readonly=True)
    failed_at = fields.Datetime(string="Failed", readonly=True)

    def _compute_channel_id(self):
        channels = self.env["oms.channel"].search([("code", "in", self.mapped("channel_code"))])
        by_code = {channel.code: channel for channel in channels}
        for letter in self:
            letter.channel_id = by_code.get(letter.channel_code, False)
