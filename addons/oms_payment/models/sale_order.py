# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payment gate of an order: decided at confirmation from its payment method, held
until the money is in, chased, and cancelled when it never comes."""

import logging
from datetime import timedelta

from markupsafe import Markup
from odoo import api, fields, models
from odoo.tools import float_compare, format_amount, format_date, hmac
from werkzeug import urls

_logger = logging.getLogger(__name__)

PAID_STATUSES = ("paid", "authorized")
# When no method says otherwise (an order forced to prepay, no prepayment method set up).
DEFAULT_SCHEDULE = (3, 7, 10)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    oms_payment_method_id = fields.Many2one(
        "oms.payment.method",
        string="Payment Method (OMS)",
        copy=False,
        readonly=True,
        help="How the order's payment method releases it: set when it is confirmed.",
    )
    oms_payment_forced = fields.Boolean(
        string="Prepayment Required",
        copy=False,
        readonly=True,
        help="A check (the risk check) requires the order to be paid before it is released, "
        "whatever its payment method.",
    )
    oms_payment_hold = fields.Boolean(
        string="Waits for Payment",
        copy=False,
        readonly=True,
        index=True,
        help="Routed and reserved, not released to the nodes until it is paid.",
    )
    oms_payment_held_since = fields.Datetime(copy=False, readonly=True)
    oms_payment_reminder_count = fields.Integer(
        string="Payment Reminders", copy=False, readonly=True
    )
    oms_payment_ids = fields.One2many("oms.payment", "order_id", string="Payments Received")
    oms_amount_received = fields.Monetary(
        string="Received", compute="_compute_oms_amount_received", store=True
    )
    oms_payment_note = fields.Char(
        string="Payment Decision",
        copy=False,
        readonly=True,
        help="How the order's payment releases it, in words.",
    )

    @api.depends("oms_payment_ids.amount", "oms_payment_ids.state")
    def _compute_oms_amount_received(self):
        for order in self:
            order.oms_amount_received = sum(
                p.amount for p in order.oms_payment_ids if p.state == "applied"
            )

    # ------------------------------------------------------------------ the gate

    def _oms_release_blocks(self):
        blocks = super()._oms_release_blocks()
        if self.oms_payment_hold:
            blocks.append(
                self.env._(
                    "It waits for the customer's payment of %s.",
                    format_amount(self.env, self._oms_amount_due(), self.currency_id),
                )
            )
        return blocks

    def action_confirm(self):
        self._oms_decide_payment_gate()
        result = super().action_confirm()
        held = self.filtered(lambda o: o.state == "sale" and o.oms_payment_hold)
        for order in held:
            order._oms_tell_how_to_pay()
        return result

    def _oms_decide_payment_gate(self):
        """Before routing: hold the orders whose payment method (or a check) wants the money
        first and which are not paid yet. Orders of no channel are left to Odoo."""
        for order in self.filtered(lambda o: o.state in ("draft", "sent") and o.oms_channel_id):
            method = self.env["oms.payment.method"]._find(
                order.oms_payment_method, order.company_id
            )
            hold, note = order._oms_payment_gate(method)
            order.write(
                {
                    "oms_payment_method_id": method.id,
                    "oms_payment_hold": hold,
                    "oms_payment_held_since": fields.Datetime.now() if hold else False,
                    "oms_payment_note": note,
                }
            )

    def _oms_payment_gate(self, method):
        """Whether the order waits for its money, and why in words."""
        self.ensure_one()
        paid = self.oms_payment_status in PAID_STATUSES
        name = method.name or self.oms_payment_method or self.env._("unknown")
        if paid:
            return False, self.env._("Paid (%s): released at once.", name)
        if self.oms_payment_forced:
            return True, self.env._(
                "The risk check requires payment first: released when paid (%s).", name
            )
        policy = method.release_policy
        if not method or policy == "at_once":
            return False, self.env._("%s, paid at checkout: released at once.", name)
        if policy == "when_paid":
            return True, self.env._("Prepayment (%s): released when paid.", name)
        # On account (invoice, cash on delivery): released, within its own rules.
        limit = method.on_account_max_amount
        total = self.currency_id._convert(
            self.amount_total, method.currency_id, self.company_id, fields.Date.today()
        )
        if (
            limit
            and float_compare(total, limit, precision_rounding=method.currency_id.rounding) > 0
        ):
            return True, self.env._(
                "%(method)s is for orders up to %(limit)s: this one is released when paid.",
                method=name,
                limit=format_amount(self.env, limit, method.currency_id),
            )
        if method.on_account_returning_only and not self._oms_has_earlier_orders():
            return True, self.env._(
                "%s is for returning customers: a first order is released when paid.", name
            )
        return False, self.env._("%s, paid later: released at once.", name)

    def _oms_has_earlier_orders(self):
        self.ensure_one()
        return bool(
            self.search_count(
                [
                    (
                        "partner_id.commercial_partner_id",
                        "=",
                        self.partner_id.commercial_partner_id.id,
                    ),
                    ("state", "=", "sale"),
                    ("id", "!=", self.id),
                ],
                limit=1,
            )
        )

    def _oms_amount_due(self):
        self.ensure_one()
        return max(self.amount_total - self.oms_amount_received, 0.0)

    def _oms_payment_schedule(self):
        """(first reminder, second reminder, cancellation) in days for this order."""
        self.ensure_one()
        method = self.oms_payment_method_id
        if not method or method.release_policy == "at_once":
            method = self.env["oms.payment.method"]._prepayment_method(self.company_id)
        if not method:
            return DEFAULT_SCHEDULE
        return method.reminder_days, method.second_reminder_days, method.cancel_days

    def _oms_cancel_date(self):
        self.ensure_one()
        days = self._oms_payment_schedule()[2]
        return (self.oms_payment_held_since or fields.Datetime.now()) + timedelta(days=days)

    # ------------------------------------------------------------------ telling the customer

    def _oms_payment_values(self):
        """What the payment e-mails show: the amount due, a link to pay it online through
        Odoo's payment portal, the bank details, the day the order is cancelled unpaid."""
        self.ensure_one()
        due = self._oms_amount_due()
        method = self.oms_payment_method_id
        values = {"amount": due, "cancel_date": self._oms_cancel_date()}
        if not method or method.payment_link:
            values["payment_url"] = self._oms_payment_link(due)
        if method.bank_details:
            values["bank_details"] = self.env._(
                "%(details)s, reference %(reference)s",
                details=method.bank_details,
                reference=self.name,
            )
        return values

    def _oms_payment_link(self, amount):
        """A link to pay ``amount`` of the order online through Odoo's payment portal: the
        link Odoo's "Generate a Payment Link" makes for a sales order (``/payment/pay`` with
        the order and an access token its portal checks). Odoo's own generator reads the
        HTTP request, which a cron does not have, so the token is signed here the same way,
        with the database secret."""
        self.ensure_one()
        amount = float(amount)
        token = hmac(
            self.env(su=True),
            "generate_access_token",
            f"{self.partner_invoice_id.id}|{amount}|{self.currency_id.id}",
        )
        query = urls.url_encode({"amount": amount, "access_token": token, "sale_order_id": self.id})
        return f"{self.get_base_url()}/payment/pay?{query}"

    def _oms_tell_how_to_pay(self):
        self.ensure_one()
        self._message_log(
            body=Markup("<p>%s</p>")
            % " ".join(filter(None, [self.oms_payment_note, self._oms_schedule_text()]))
        )
        self._oms_notify_customer("payment_instructions", **self._oms_payment_values())

    def _oms_schedule_text(self):
        first, second, cancel = self._oms_payment_schedule()
        since = self.oms_payment_held_since or fields.Datetime.now()
        days = [first] + ([second] if second else [])
        return self.env._(
            "Unpaid, the customer is reminded on %(reminders)s and the order is cancelled on "
            "%(cancel)s.",
            reminders=self.env._(" and ").join(
                format_date(self.env, since + timedelta(days=d)) for d in days
            ),
            cancel=format_date(self.env, since + timedelta(days=cancel)),
        )

    # Odoo's own "payment received" e-mail would follow ours for an order the OMS tells.
    def _send_payment_succeeded_for_order_mail(self):
        return super(
            SaleOrder, self - self._oms_tells_customer()
        )._send_payment_succeeded_for_order_mail()

    # ------------------------------------------------------------------ money in

    def _oms_register_payment(self, source, reference, amount, currency=None, date=None, note=""):
        """Record money received for the order, once per (source, reference): the same
        payment heard again changes nothing. It releases an order that waited for it; for a
        cancelled order it is kept as "To refund" and customer service is asked to pay it
        back - never lost. Returns the payment and whether it is new."""
        self.ensure_one()
        Payment = self.env["oms.payment"].sudo()
        reference = str(reference or "").strip() or source
        existing = Payment.search(
            [("order_id", "=", self.id), ("source", "=", source), ("reference", "=", reference)],
            limit=1,
        )
        if existing:
            return existing, False
        currency = currency or self.currency_id
        cancelled = self.state == "cancel"
        payment = Payment.create(
            {
                "order_id": self.id,
                "source": source,
                "reference": reference,
                "amount": amount,
                "currency_id": currency.id,
                "date": date or fields.Datetime.now(),
                "state": "refund_due" if cancelled else "applied",
                "note": note,
            }
        )
        if cancelled:
            self._oms_flag_refund(payment)
        elif self.oms_payment_hold:
            self._oms_payment_arrived(payment)
        return payment, True

    def _oms_payment_arrived(self, payment):
        order = self.sudo()
        paid = (
            float_compare(
                order.oms_amount_received,
                order.amount_total,
                precision_rounding=order.currency_id.rounding,
            )
            >= 0
        )
        if not paid:
            order._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "%(amount)s received (%(origin)s %(reference)s); %(due)s still due.",
                    amount=payment._amount_text(),
                    origin=dict(payment._fields["source"]._description_selection(self.env))[
                        payment.source
                    ],
                    reference=payment.reference,
                    due=format_amount(self.env, order._oms_amount_due(), order.currency_id),
                )
            )
            return
        order.with_context(oms_payment_internal=True).write(
            {"oms_payment_hold": False, "oms_payment_status": "paid"}
        )
        order._oms_release(
            self.env._(
                "the payment of %(amount)s arrived (%(reference)s).",
                amount=format_amount(self.env, order.amount_total, order.currency_id),
                reference=payment.reference,
            )
        )

    def _oms_flag_refund(self, payment):
        """Money for a cancelled order: a to-do for customer service to pay it back."""
        order = self.sudo()
        text = self.env._(
            "%(amount)s arrived for %(order)s after it was cancelled (%(reference)s): pay it back "
            "to the customer, then mark the payment refunded.",
            amount=payment._amount_text(),
            order=order.name,
            reference=payment.reference,
        )
        order._message_log(body=Markup("<p>%s</p>") % text)
        order.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Refund a payment for a cancelled order"),
            note=text,
            user_id=order._oms_responsible_user().id,
        )

    def write(self, vals):
        # The shop said the order is paid (an order update of the intake): money in.
        result = super().write(vals)
        if vals.get("oms_payment_status") in PAID_STATUSES and not self.env.context.get(
            "oms_payment_internal"
        ):
            for order in self.filtered(
                lambda o: o.state in ("sale", "cancel") and o.oms_channel_id
            ):
                order._oms_register_payment(
                    "shop",
                    order.oms_payment_reference or f"status-{order.oms_payment_status}",
                    order.oms_payment_amount or order.amount_total,
                )
        return result

    # ------------------------------------------------------------------ reminders, cancellation

    @api.model
    def _cron_oms_payment_reminders(self, limit=500):
        """Chase the orders waiting for their payment: the first reminder after N days, the
        second after M, cancellation after K (the order's method says). Each reminder has its
        number in its key and the order remembers the last one sent: a run repeated, or late
        after downtime, sends only the step reached now and never one twice."""
        now = fields.Datetime.now()
        orders = self.search(
            [("oms_payment_hold", "=", True), ("state", "=", "sale")],
            order="oms_payment_held_since, id",
            limit=limit,
        )
        for order in orders:
            first, second, cancel = order._oms_payment_schedule()
            days = (now - (order.oms_payment_held_since or now)).total_seconds() / 86400
            if days >= cancel:
                order._oms_cancel_unpaid()
                continue
            step = 2 if second and days >= second else 1 if days >= first else 0
            if step > order.oms_payment_reminder_count:
                order.oms_payment_reminder_count = step
                order._oms_notify_customer(
                    "payment_reminder",
                    key=f"payment-reminder-{step}",
                    **order._oms_payment_values(),
                )
        return orders

    def _oms_cancel_unpaid(self):
        """No payment in time: cancel the order - its stock goes back, the shop and the
        customer are told."""
        self.ensure_one()
        order = self.sudo()
        since = order.oms_payment_held_since
        if order.locked:
            order.action_unlock()
        order.with_context(
            disable_cancel_warning=True,
            oms_cancel_reason="unpaid",
            oms_cancel_message=self.env._(
                "We did not receive your payment within %(days)s days of your order, so we have "
                "cancelled it and released the items.",
                days=order._oms_payment_schedule()[2],
            ),
        ).action_cancel()
        order.oms_payment_hold = False
        order._message_log(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Cancelled automatically: no payment since %(since)s.",
                since=format_date(self.env, since),
            )
        )
