# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One stock feed applied through the API, kept under its Idempotency-Key: a retry of the
same key gets the first answer and changes nothing again, even when the sync service lost
that answer (the row is written in the same transaction as the stock)."""

from odoo import fields, models


class OmsDropshipStockUpload(models.Model):
    _name = "oms.dropship.stock.upload"
    _description = "Drop-ship Supplier Stock Feed Received"
    _order = "id desc"

    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Supplier", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="warehouse_id.company_id", store=True)
    api_key_id = fields.Many2one(
        "oms.dropship.api.key", string="API Key", ondelete="set null", readonly=True
    )
    idempotency_key = fields.Char(required=True, readonly=True)
    fingerprint = fields.Char(required=True, readonly=True)
    lines = fields.Integer(readonly=True)
    changed = fields.Integer(readonly=True)

    _sql_constraints = [
        (
            "idempotency_key_unique",
            "unique(warehouse_id, idempotency_key)",
            "A stock feed with this Idempotency-Key was already applied to this supplier.",
        )
    ]
