# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Money back through the channel that took it (docs/contracts.md, ``refund.requested``).

A refund request is what the OMS asks the shop to pay back: written by
``sale.order._oms_request_refund`` when customer service cancels or changes an order (and by
returns), at what the customer paid in the shop, with an outbox event the sync service turns
into the shop's own refund. The shop's refund coming back (its webhook, or the sync service's
echo of the shop's answer) carries the request's key and only confirms it: the order was
already reduced when the request was made.
"""

import re

from odoo import api, fields, models
from odoo.tools import format_amount

from .oms_order_refund import REFUND_READERS

# The marker a shop refund carries in its note (Shopify ``note``, WooCommerce ``reason``,
# Shopware ``reason``) so that it can be matched to the request that caused it.
KEY_MARKER = "[oms-refund:{key}]"
KEY_PATTERN = re.compile(r"\[oms-refund:([A-Za-z0-9._:-]{1,120})\]")
KEY_FORMAT = re.compile(r"^[A-Za-z0-9._:-]{1,120}$")

STATES = [
    ("requested", "Asked of the shop"),
    ("refunded", "Refunded by the shop"),
    ("manual", "To pay back by hand"),
]


def key_in(note):
    """The request key a shop refund's note carries, or None."""
    found = KEY_PATTERN.search(note or "")
    return found.group(1) if found else None


class OmsRefundRequest(models.Model):
    _name = "oms.refund.request"
    _description = "Refund Request"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    key = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        help="Idempotency key: the same key never asks the shop for a second refund. The "
        "shop's refund carries it back in its note.",
    )
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
    channel_id = fields.Many2one(related="sale_order_id.oms_channel_id", store=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    state = fields.Selection(STATES, required=True, default="requested", readonly=True)
    reason = fields.Char(readonly=True, help="Why the money goes back, in plain words.")
    line_ids = fields.One2many(
        "oms.refund.request.line", "request_id", string="Lines", readonly=True
    )
    shipping_amount = fields.Monetary(
        string="Shipping Refunded",
        readonly=True,
        help="Shipping paid back, as the customer paid it (taxes included).",
    )
    amount_total = fields.Monetary(
        string="Amount",
        compute="_compute_amount_total",
        store=True,
        help="What the customer gets back: the lines at what they paid in the shop (prices, "
        "discounts and taxes as charged) and the shipping refunded.",
    )
    shop_refund_id = fields.Many2one(
        "oms.order.refund",
        readonly=True,
        copy=False,
        groups=REFUND_READERS,
        help="The refund the shop made for this request.",
    )
    credit_note_id = fields.Many2one(
        "account.move",
        readonly=True,
        copy=False,
        check_company=True,
        help="Draft credit note for an order that was invoiced, for accounting to post.",
    )

    _sql_constraints = [
        ("key_uniq", "unique(key)", "A refund request key is used once."),
    ]

    @api.depends("sale_order_id.name", "key")
    def _compute_name(self):
        for request in self:
            request.name = f"{request.sale_order_id.name} / {request.key}"

    @api.depends("line_ids.amount", "shipping_amount")
    def _compute_amount_total(self):
        for request in self:
            request.amount_total = request.currency_id.round(
                sum(request.line_ids.mapped("amount")) + request.shipping_amount
            )

    # ------------------------------------------------------------------
    # Outbox: the sync service asks the shop for the refund
    # ------------------------------------------------------------------
    def _oms_outbox_vals_refund_requested(self):
        self.ensure_one()
        order = self.sale_order_id
        if not order.oms_channel_id:
            return None
        currency = self.currency_id
        return {
            "topic": "refund.requested",
            "channel_code": order.oms_channel_id.code,
            "res_model": self._name,
            "res_id": self.id,
            "payload": {
                "key": self.key,
                "external_id": order.oms_external_id or None,
                "order_name": order.name,
                "order_id": order.id,
                "currency": currency.name,
                "amount": _money(self.amount_total, currency),
                "shipping": _money(self.shipping_amount, currency),
                "reason": self.reason or "",
                "note": self._oms_shop_note(),
                "notify_customer": order._oms_shop_tells_customer(),
                "lines": [
                    {
                        "external_line_id": line.external_line_id or None,
                        "sku": line.product_id.default_code or "",
                        "quantity": line.quantity,
                        "amount": _money(line.amount, currency),
                        "amount_untaxed": _money(line.amount_untaxed, currency),
                        "restock_type": line.restock_type,
                    }
                    for line in self.line_ids
                ],
            },
        }

    def _oms_shop_note(self):
        """The refund's note at the shop: the reason, and the key that brings it back here."""
        self.ensure_one()
        marker = KEY_MARKER.format(key=self.key)
        return f"{self.reason} {marker}" if self.reason else marker

    # ------------------------------------------------------------------
    # The shop's refund comes back
    # ------------------------------------------------------------------
    @api.model
    def _oms_awaiting(self, order, note):
        """The request of ``order`` whose key the shop refund's ``note`` carries, if any."""
        key = key_in(note)
        if not key:
            return self.browse()
        return (
            self.sudo()
            .search([("key", "=", key), ("sale_order_id", "=", order.id)], limit=1)
            .with_env(self.env)
        )

    def _oms_confirm(self, shop_refund):
        """The shop made the refund this request asked for: record it, never reduce again."""
        self.ensure_one()
        self.sudo().write({"state": "refunded", "shop_refund_id": shop_refund.id})
        env = self.env
        currency = self.currency_id
        message = env._(
            "%(channel)s refunded %(amount)s (refund %(ref)s), as asked by %(request)s.",
            channel=self.channel_id.name,
            amount=_format(env, shop_refund.amount_total, shop_refund.currency_id),
            ref=shop_refund.external_refund_id,
            request=self.name,
        )
        if currency.compare_amounts(shop_refund.amount_total, self.amount_total) != 0:
            message += " " + env._(
                "The OMS asked for %(asked)s: check the difference with the shop.",
                asked=_format(env, self.amount_total, currency),
            )
        order = self.sale_order_id
        order.message_post(body=message)
        if order._oms_tells_customer():
            # The money is back: the customer hears it once per request.
            order._oms_notify_customer(
                "refunded", key=self.key, amount=shop_refund.amount_total, reason=self.reason or ""
            )


def _money(amount, currency):
    """Money as a decimal string in the currency's precision (never a float on the wire)."""
    return f"{currency.round(amount):.{currency.decimal_places}f}"


def _format(env, amount, currency):
    return format_amount(env, amount, currency)
