# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``sale.order._oms_request_refund``: the one way the OMS gives money back.

Customer service's cancellations and changes, returns and compensations call it; it records
what goes back at what the customer paid in the shop, asks the shop through the outbox
(``refund.requested``), and drafts the credit note of an invoiced order for the same amounts.
"""

import uuid

from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero, format_amount

from .oms_order_refund import REFUND_READERS, RESTOCK_TYPES
from .oms_refund_request import KEY_FORMAT


class SaleOrder(models.Model):
    _inherit = "sale.order"

    oms_refund_request_ids = fields.One2many(
        "oms.refund.request", "sale_order_id", string="Refund Requests", groups=REFUND_READERS
    )
    oms_refund_request_count = fields.Integer(
        compute="_compute_oms_refund_request_count", groups=REFUND_READERS
    )

    @api.depends("oms_refund_request_ids")
    def _compute_oms_refund_request_count(self):
        for order in self:
            order.oms_refund_request_count = len(order.oms_refund_request_ids)

    def action_oms_view_refund_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "oms_omnichannel.oms_refund_request_action"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        if self.oms_refund_request_count == 1:
            action.update(
                view_mode="form", res_id=self.oms_refund_request_ids.id, views=[(False, "form")]
            )
        return action

    def _oms_request_refund(
        self, lines, shipping=0.0, reason=None, key=None, restock_type="cancel"
    ):
        """Ask the channel that took the payment to pay back ``lines`` and ``shipping``.

        ``lines``: ``(sale.order.line, quantity)`` pairs, the quantity in the line's unit of
        measure, to be called *before* the lines are reduced (a cancellation requests the
        refund of units the line still carries). ``shipping``: shipping to pay back, as the
        customer paid it (taxes included; ``_oms_shipping_refundable`` is the most).
        ``restock_type``: what happens to the goods, as for shop refunds (``cancel``: they
        never left; ``return``: they come back; ``no_restock``: the customer keeps them).
        ``key``: idempotency key - asking again with the same key returns the request
        recorded the first time and asks the shop for nothing more.

        Amounts are what the customer paid in the shop: the line's price and discount as
        the shop sent them, with the line's taxes, never the product's list price. An order
        with a channel gets a ``refund.requested`` outbox event; an order taken in the back
        office (no channel) is left to pay back by hand, with a to-do for its responsible.
        """
        self.ensure_one()
        Request = self.env["oms.refund.request"].sudo()
        if key:
            if not isinstance(key, str) or not KEY_FORMAT.match(key):
                raise UserError(
                    self.env._(
                        "A refund key is 1 to 120 letters, digits, dots, colons, dashes or "
                        "underscores."
                    )
                )
            existing = Request.search([("key", "=", key)], limit=1)
            if existing:
                if existing.sale_order_id != self:
                    raise UserError(
                        self.env._(
                            "The refund key %(key)s was already used for order %(order)s.",
                            key=key,
                            order=existing.sale_order_id.name,
                        )
                    )
                return existing.with_env(self.env)
        if restock_type not in dict(RESTOCK_TYPES):
            raise UserError(self.env._("Unknown restock type %s.", restock_type))
        line_vals = [
            self._oms_refund_line_vals(line, quantity, restock_type) for line, quantity in lines
        ]
        shipping = self._oms_check_shipping_refund(shipping)
        if not line_vals and not shipping:
            raise UserError(self.env._("Nothing to refund on %s.", self.name))
        request = Request.create(
            {
                "key": key or f"{self.id}-{uuid.uuid4().hex}",
                "sale_order_id": self.id,
                "currency_id": self.currency_id.id,
                "reason": reason or False,
                "shipping_amount": shipping,
                "state": "requested" if self.oms_channel_id else "manual",
                "line_ids": [fields.Command.create(vals) for vals in line_vals],
            }
        )
        if self.oms_channel_id:
            self.env["oms.outbox.event"]._enqueue("refund.requested", request)
            for line in request.line_ids.filtered("external_line_id"):
                # The shop's line may drop by these units once it refunded them.
                line.sale_line_id.oms_refund_unseen += line.quantity
        else:
            self._oms_schedule_manual_refund(request)
        request.credit_note_id = self._oms_refund_credit_note(request)
        self.message_post(body=self._oms_refund_request_message(request))
        return request.with_env(self.env)

    # ------------------------------------------------------------------
    # What may be refunded, at what the customer paid
    # ------------------------------------------------------------------
    def _oms_refund_line_vals(self, line, quantity, restock_type):
        self.ensure_one()
        if line.order_id != self or line.display_type:
            raise UserError(
                self.env._("%(line)s is no line of %(order)s.", line=line.name, order=self.name)
            )
        rounding = line.product_uom.rounding
        if float_compare(quantity, 0.0, precision_rounding=rounding) <= 0:
            raise UserError(
                self.env._(
                    "A quantity to refund must be positive (%(qty)s x %(product)s).",
                    qty=quantity,
                    product=line.product_id.display_name,
                )
            )
        refundable = line._oms_refundable_quantity()
        if float_compare(quantity, refundable, precision_rounding=rounding) > 0:
            raise UserError(
                self.env._(
                    "Only %(left)s %(unit)s of %(product)s can still be refunded on %(order)s, "
                    "not %(qty)s.",
                    left=f"{refundable:g}",
                    unit=line.product_uom.name,
                    product=line.product_id.display_name,
                    order=self.name,
                    qty=f"{quantity:g}",
                )
            )
        untaxed, total = line._oms_paid_amounts(quantity)
        return {
            "sale_line_id": line.id,
            "product_id": line.product_id.id,
            "external_line_id": line.oms_external_line_id,
            "quantity": quantity,
            "product_uom": line.product_uom.id,
            "amount": total,
            "amount_untaxed": untaxed,
            "restock_type": restock_type,
        }

    def _oms_shipping_lines(self):
        return self.order_line.filtered(lambda line: line.is_delivery and not line.display_type)

    def _oms_shipping_refundable(self):
        """Shipping paid (taxes included) and not yet paid back by an earlier request."""
        self.ensure_one()
        paid = sum(self._oms_shipping_lines().mapped("price_total"))
        if not self._oms_shipping_lines():
            paid = self.oms_shipping_price
        refunded = sum(self.sudo().oms_refund_request_ids.mapped("shipping_amount"))
        return max(self.currency_id.round(paid - refunded), 0.0)

    def _oms_check_shipping_refund(self, shipping):
        if not shipping:
            return 0.0
        currency = self.currency_id
        shipping = currency.round(float(shipping))
        left = self._oms_shipping_refundable()
        if (
            currency.compare_amounts(shipping, 0.0) < 0
            or currency.compare_amounts(shipping, left) > 0
        ):
            raise UserError(
                self.env._(
                    "Shipping to refund on %(order)s must be between %(zero)s and %(left)s.",
                    order=self.name,
                    zero=format_amount(self.env, 0.0, currency),
                    left=format_amount(self.env, left, currency),
                )
            )
        return shipping

    def _oms_shop_tells_customer(self):
        """Whether the shop e-mails the customer itself (then it is told to, with the refund)."""
        self.ensure_one()
        return bool(self.oms_channel_id.send_customer_emails)

    # ------------------------------------------------------------------
    # Bookkeeping
    # ------------------------------------------------------------------
    def _oms_refund_credit_note(self, request):
        """A draft credit note of the request for an invoiced order, the same amounts."""
        items = [
            (line.sale_line_id, line.quantity, line.restock_type != "no_restock")
            for line in request.line_ids
            if line.sale_line_id
        ]
        shipping_line = self._oms_shipping_lines()[:1]
        if request.shipping_amount and shipping_line:
            share = request.shipping_amount / (shipping_line.price_total or 1.0)
            items.append((shipping_line, share * shipping_line.product_uom_qty, True))
        return self._oms_draft_credit_note(items, self.env._("Refund %s", request.key))

    def _oms_draft_credit_note(self, items, ref):
        """A draft credit note (``out_refund``, reversing the last posted invoice) for
        ``items``: ``(sale line, quantity in the line's unit, linked)``, at the line's price,
        discount and taxes; False when the order has no posted invoice or nothing to credit.
        ``linked``: the credit note line counts against the order line's invoiced quantity
        (units taken back); a refund where the customer keeps the goods is not linked, or the
        line would become invoiceable again. Left in draft for accounting to check and post."""
        self.ensure_one()
        invoices = self.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        )
        if not invoices:
            return False
        invoice_lines = []
        for sale_line, quantity, linked in items:
            if not sale_line.is_delivery:
                quantity = min(quantity, sale_line.qty_invoiced)
            if float_is_zero(quantity, precision_rounding=sale_line.product_uom.rounding):
                continue
            vals = sale_line._prepare_invoice_line(quantity=quantity)
            if not linked:
                vals.pop("sale_line_ids", None)
            invoice_lines.append(fields.Command.create(vals))
        if not invoice_lines:
            return False
        vals = self._prepare_invoice()
        vals.update(
            move_type="out_refund",
            reversed_entry_id=invoices.sorted("id")[-1].id,
            ref=ref,
            invoice_line_ids=invoice_lines,
        )
        # Whoever asked is no accountant: the draft is the company's, for accounting.
        return self.env["account.move"].sudo().with_company(self.company_id).create(vals)

    def _oms_schedule_manual_refund(self, request):
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._(
                "Pay back %s", format_amount(self.env, request.amount_total, request.currency_id)
            ),
            note=self.env._(
                "%(order)s was not paid through a shop: pay back %(amount)s to the customer "
                "(%(reason)s).",
                order=self.name,
                amount=format_amount(self.env, request.amount_total, request.currency_id),
                reason=request.reason or self.env._("no reason given"),
            ),
            user_id=self._oms_refund_responsible().id,
        )

    def _oms_refund_responsible(self):
        self.ensure_one()
        return self.user_id if self.user_id and not self.user_id.share else self.env.user

    def _oms_refund_request_message(self, request):
        currency = request.currency_id
        rows = [
            Markup("<li>%s</li>")
            % self.env._(
                "%(qty)s %(unit)s x %(product)s: %(amount)s",
                qty=f"{line.quantity:g}",
                unit=line.product_uom.name,
                product=line.product_id.display_name,
                amount=format_amount(self.env, line.amount, currency),
            )
            for line in request.line_ids
        ]
        if request.shipping_amount:
            rows.append(
                Markup("<li>%s</li>")
                % self.env._(
                    "Shipping: %s", format_amount(self.env, request.shipping_amount, currency)
                )
            )
        if request.state == "manual":
            title = self.env._(
                "Refund of %(amount)s to pay back by hand: the order was not paid through a shop.",
                amount=format_amount(self.env, request.amount_total, currency),
            )
        else:
            title = self.env._(
                "Refund of %(amount)s asked of %(channel)s.",
                amount=format_amount(self.env, request.amount_total, currency),
                channel=self.oms_channel_id.name,
            )
        body = Markup("<p>%s</p><ul>%s</ul>") % (title, Markup("").join(rows))
        if request.reason:
            body += Markup("<p>%s</p>") % self.env._("Reason: %s", request.reason)
        if request.credit_note_id:
            body += Markup("<p>%s</p>") % self.env._(
                "Draft credit note %s created for accounting.", request.credit_note_id.display_name
            )
        return body
