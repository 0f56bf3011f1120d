from odoo import api, fields, models


class OmsPolicyReplayNode(models.Model):
    """Shipments one node sends in the replayed period: as decided, and under the candidate."""

    _name = "oms.policy.replay.node"
    _description = "Sourcing Policy Replay: Load per Node"
    _order = "replay_id, warehouse_id"

    replay_id = fields.Many2one("oms.policy.replay", required=True, ondelete="cascade", index=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Node", readonly=True)
    decided_shipments = fields.Integer(string="Shipments (decided)", readonly=True)
    replay_shipments = fields.Integer(string="Shipments (replayed)", readonly=True)
    difference = fields.Integer(compute="_compute_difference")

    @api.depends("decided_shipments", "replay_shipments")
    def _compute_difference(self):
        for line in self:
            line.difference = line.replay_shipments - line.decided_shipments
