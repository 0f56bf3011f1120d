# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The money of a return: back through the channel that took it, or an exchange.

A web order's refund goes through its shop (``sale.order._oms_request_refund``: the amounts
the customer paid there, an outbox event the shop adapter turns into the shop's refund, a
draft credit note for the same amounts); a store return paid back in cash at the till is
recorded with its credit note and no shop refund. Fees the channel's rules keep (restocking,
the label when the customer pays it) come off the line they belong to - never when the goods
were faulty or wrong. Each payment has its own key: nothing is paid back twice.
"""

from odoo import Command, models
from odoo.tools import format_amount


class OmsReturn(models.Model):
    _inherit = "oms.return"

    def _oms_route(self):
        """Decide where the items go (the engine) and apply it."""
        self.ensure_one()
        router = self.env["oms.return.router"]
        if self.kind == "store":
            router._route_store(self)
            # The customer is at the till: the money goes back now.
            self._oms_pay_back(self.line_ids)
        else:
            router._route_mail(self)
        self._oms_advance()

    def action_inspect(self):
        """The inspected grades decide each item's outcome; then the money goes back.

        Whoever may change the return inspects it (store staff of the node the goods are
        at); the moves and the money then run in sudo - the order was shipped by another
        node, which store staff may not read."""
        self.check_access("write")
        for ret in self:
            if ret.state not in ("received", "requested"):
                raise self._refusal(ret)
            lines = ret.line_ids.filtered(
                lambda line: line.action != "keep" and line.grade and not line.disposition
            )
            arrived = lines.filtered(lambda line: line._oms_arrived())
            if not arrived:
                raise self._refusal(ret)
            self.env["oms.return.router"].sudo()._dispose(ret.sudo(), arrived.sudo())
            ret.sudo()._oms_advance()
        return True

    def _refusal(self, ret):
        from .oms_return import ReturnRefused

        return ReturnRefused(
            "nothing_to_inspect",
            self.env._(
                "%s has nothing to inspect: grade the lines whose goods arrived first.", ret.name
            ),
        )

    # ------------------------------------------------------------------
    # Paying back
    # ------------------------------------------------------------------
    def _oms_pay_back(self, lines, keep=False):
        """Money back for ``lines`` (or the exchange), once: a line paid back is never paid
        again, and each payment has its own key."""
        self.ensure_one()
        lines = lines.filtered(lambda line: not line.refunded)
        if lines:
            if self.resolution == "exchange":
                self._oms_send_exchange(lines)
            elif self.refund_method == "cash":
                self._oms_refund_cash(lines)
            else:
                self._oms_refund_through_channel(lines, keep)
        if all(line.refunded for line in self.line_ids):
            self.refund_done = True
            if self.resolution != "exchange":
                self.sale_order_id._oms_return_notify("refunded", self)

    def _oms_fees(self, lines):
        """``{return line: fee}``: restocking fee and the customer's share of the label, for
        lines the customer sent back because they changed their mind."""
        channel = self.channel_id
        currency = self.currency_id
        fees = {}
        if not channel:
            return fees
        sent = lines.filtered(
            lambda line: line.action not in ("keep",) and not line._oms_company_fault()
        )
        label_fee = 0.0
        if (
            self.kind == "mail"
            and channel.return_label_payer == "customer"
            and channel.return_label_fee
            and not self.line_ids.filtered("fee_amount")
        ):
            label_fee = channel.return_label_fee
        units = sum(sent.mapped("quantity")) or 1.0
        for line in sent:
            _untaxed, paid = line.sale_line_id._oms_paid_amounts(line.quantity)
            fee = paid * channel.return_restocking_fee_percent / 100.0
            fee += label_fee * line.quantity / units
            fee = min(currency.round(fee), paid)
            if fee:
                fees[line] = fee
        return fees

    def _oms_refund_through_channel(self, lines, keep):
        order = self.sale_order_id
        fees = self._oms_fees(lines)
        by_sale_line = {}
        for line, fee in fees.items():
            by_sale_line[line.sale_line_id.id] = by_sale_line.get(line.sale_line_id.id, 0.0) + fee
        items = [(line.sale_line_id, line.quantity) for line in lines]
        suffix = "keep" if keep else f"refund-{len(self.refund_request_ids) + 1}"
        reason = self.env._("Return %s", self.name)
        request = order.with_context(oms_return_fees=by_sale_line)._oms_request_refund(
            items,
            reason=reason,
            key=f"return-{self.id}-{suffix}",
            restock_type="no_restock" if keep else "return",
        )
        request = request.sudo()
        self.sudo().refund_request_ids = [Command.link(request.id)]
        if request.credit_note_id and not self.credit_note_id:
            self.sudo().credit_note_id = request.credit_note_id
        amounts = list(request.line_ids)
        for line in lines:
            match = next(
                (
                    rl
                    for rl in amounts
                    if rl.sale_line_id == line.sale_line_id and rl.quantity == line.quantity
                ),
                None,
            )
            if match:
                amounts.remove(match)
            line.write(
                {
                    "refunded": True,
                    "refund_amount": match.amount if match else 0.0,
                    "fee_amount": fees.get(line, 0.0),
                }
            )

    def _oms_refund_cash(self, lines):
        """Paid back at the till: the amounts the customer paid, a draft credit note for them,
        no refund asked of the shop."""
        order = self.sale_order_id
        fees = self._oms_fees(lines)
        for line in lines:
            _untaxed, paid = line.sale_line_id._oms_paid_amounts(line.quantity)
            fee = fees.get(line, 0.0)
            line.write({"refunded": True, "refund_amount": paid - fee, "fee_amount": fee})
        items = [(line.sale_line_id, line.quantity, True) for line in lines]
        credit_note = False
        if not self.env.context.get("oms_refund_at_till"):
            # Paid out by a till, the POS order is the accounting document of the refund.
            credit_note = order._oms_draft_credit_note(items, self.env._("Return %s", self.name))
        if credit_note:
            order._oms_return_fee_line(
                credit_note, {line.sale_line_id.id: fee for line, fee in fees.items()}
            )
            if not self.credit_note_id:
                self.sudo().credit_note_id = credit_note
        currency = self.currency_id
        total = sum(lines.mapped("refund_amount"))
        order.message_post(
            body=self.env._(
                "%(amount)s paid back in cash at %(store)s for return %(name)s.",
                amount=self._format(total, currency),
                store=self.store_id.name,
                name=self.name,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _format(self, amount, currency):
        return format_amount(self.env, amount, currency)

    # ------------------------------------------------------------------
    # Exchange
    # ------------------------------------------------------------------
    def _oms_send_exchange(self, lines):
        """The new order of an exchange: the same (or the chosen) products, nothing to pay,
        confirmed - so routing sends it from the best node."""
        order = self.sale_order_id
        Order = self.env["sale.order"].sudo().with_company(order.company_id)
        new = Order.create(
            {
                "partner_id": order.partner_id.id,
                "partner_invoice_id": order.partner_invoice_id.id,
                "partner_shipping_id": order.partner_shipping_id.id,
                "company_id": order.company_id.id,
                "pricelist_id": order.pricelist_id.id,
                "warehouse_id": order.warehouse_id.id,
                "oms_channel_id": order.oms_channel_id.id,
                "origin": f"{self.name} ({order.name})",
                "client_order_ref": order.client_order_ref,
                "user_id": order.user_id.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": (line.exchange_product_id or line.product_id).id,
                            "product_uom_qty": line.quantity,
                            "price_unit": 0.0,
                            "name": self.env._(
                                "%(product)s (exchange of %(name)s)",
                                product=(line.exchange_product_id or line.product_id).display_name,
                                name=self.name,
                            ),
                        }
                    )
                    for line in lines
                ],
            }
        )
        new.action_confirm()
        lines.write({"refunded": True, "refund_amount": 0.0})
        self.sudo().exchange_order_id = new
        text = self.env._(
            "Exchange order %(new)s sent for return %(name)s.", new=new.name, name=self.name
        )
        order.message_post(body=text, subtype_xmlid="mail.mt_note")
        self.message_post(body=text)
        return new
