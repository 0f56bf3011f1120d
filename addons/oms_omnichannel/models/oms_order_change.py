# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What customer service, an AI agent or the shop changed on an order - and the answer given.

One record per applied change (``sale.order`` ``_oms_cancel_order``, ``_oms_cancel_lines``,
``_oms_change_address``, ``_oms_change_delivery_mode``, ``_oms_change_quantities``,
``_oms_add_lines``), keyed by its idempotency key: the same key asked again returns the answer
stored the first time and changes nothing twice. It is also the audit trail: who asked, through
which door (back office, the customer-service API, the MCP server, the shop), and what happened.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError


class OrderChangeRefused(UserError):
    """A change the order cannot take. ``code`` is stable (the API answers it); the message
    says why, in words."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


OPERATIONS = [
    ("cancel", "Order cancelled"),
    ("cancel_lines", "Lines cancelled"),
    ("address", "Delivery address changed"),
    ("delivery_mode", "Delivery mode changed"),
    ("quantities", "Quantities changed"),
    ("add_lines", "Lines added"),
]
SOURCES = [
    ("back_office", "Back office"),
    ("api", "Customer-service API"),
    ("mcp", "AI agent (MCP)"),
    ("shop", "The shop"),
]


class OmsOrderChange(models.Model):
    _name = "oms.order.change"
    _description = "Order Change"
    _order = "id desc"
    _check_company_auto = True

    key = fields.Char(required=True, readonly=True, copy=False)
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Order",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="sale_order_id.company_id", store=True)
    operation = fields.Selection(OPERATIONS, required=True, readonly=True)
    source = fields.Selection(SOURCES, required=True, readonly=True, default="back_office")
    client = fields.Char(
        readonly=True, help="Who asked: the API client's or the shop's name, or the user's."
    )
    summary = fields.Text(readonly=True, help="What changed, in plain words.")
    result = fields.Json(readonly=True, help="The answer given, returned again for the same key.")
    refund_request_id = fields.Many2one("oms.refund.request", readonly=True)

    _sql_constraints = [
        ("key_uniq", "unique(key)", "An order change key is used once."),
    ]

    @api.model
    def _oms_replay(self, key, order, operation):
        """The answer already given for ``key``, or None. A key belongs to one order and one
        operation: reusing it for another is refused rather than silently ignored."""
        if not key:
            return None
        change = self.sudo().search([("key", "=", key)], limit=1)
        if not change:
            return None
        if change.sale_order_id != order or change.operation != operation:
            raise OrderChangeRefused(
                "key_reused",
                self.env._(
                    "The key %(key)s was already used for another change (%(what)s on %(order)s).",
                    key=key,
                    what=dict(OPERATIONS)[change.operation],
                    order=change.sale_order_id.name,
                ),
            )
        return dict(change.result or {}, replayed=True)
