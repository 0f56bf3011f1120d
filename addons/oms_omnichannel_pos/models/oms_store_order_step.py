# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

ACTIONS = [
    ("offered", "Offered to the store"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
    ("timeout", "Not accepted in time"),
    ("lost", "Taken by another store"),
    ("picked", "Picked"),
    ("short_picked", "Items missing"),
    ("packed", "Packed and shipped"),
    ("ready", "Ready for pickup"),
    ("notified", "Customer told"),
    ("reminded", "Customer reminded"),
    ("handed_over", "Handed over"),
    ("refused", "Refused by the customer"),
    ("released", "Released: not collected"),
    ("back_on_shelf", "Back on the shelf"),
    ("cancelled", "Cancelled"),
    ("refused_call", "Till call refused"),
]


class OmsStoreOrderStep(models.Model):
    """One step of a store order: who did what, when, on which till, and why.

    A step taken through a POS door carries the door's idempotency key and its answer: the
    same call sent again (a till that was offline, a network retry) gets the same answer and
    changes nothing.
    """

    _name = "oms.store.order.step"
    _description = "Store Order Step"
    _order = "date desc, id desc"

    store_order_id = fields.Many2one(
        "oms.store.order", required=True, ondelete="cascade", index=True
    )
    sale_order_id = fields.Many2one(
        related="store_order_id.sale_order_id", store=True, precompute=True, index=True
    )
    warehouse_id = fields.Many2one(
        related="store_order_id.warehouse_id", store=True, precompute=True, string="Store"
    )
    company_id = fields.Many2one(related="store_order_id.company_id", store=True, precompute=True)
    action = fields.Selection(ACTIONS, required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user, string="By")
    pos_config_id = fields.Many2one("pos.config", string="Till")
    reason_id = fields.Many2one("oms.store.reject.reason", string="Reason")
    note = fields.Text()
    quantity = fields.Float(digits="Product Unit of Measure")
    key = fields.Char(
        string="Idempotency Key",
        index="btree_not_null",
        copy=False,
        help="Sent by the till with the call: a call with a key already seen is answered "
        "from here.",
    )
    answer = fields.Json(readonly=True, help="What the door answered to the call.")

    _sql_constraints = [
        ("key_unique", "unique(key)", "A till's call is applied once."),
    ]

    @api.model
    def _answer_of(self, key):
        """The stored answer of the call ``key``, or None when it was never applied."""
        if not key:
            return None
        step = self.sudo().search([("key", "=", key)], limit=1)
        return step.answer if step else None
