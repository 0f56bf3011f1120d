# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Compensation of an order whose parcel broke its promise: decided by the engine
(``oms_engine.compensation.compensate``) from the channel's policy, the delay and what the
customer already got; the express fee refunded through the shop, a voucher e-mailed."""

import logging
from datetime import timedelta
from decimal import Decimal

from markupsafe import Markup
from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

try:  # the manifest's external dependency
    from oms_engine.compensation import CompensationOrder, Delay, Grant, compensate
except ImportError:  # pragma: no cover
    compensate = None

_logger = logging.getLogger(__name__)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    oms_delay_ids = fields.One2many("oms.delivery.delay", "sale_order_id", string="Late Deliveries")
    oms_compensation_ids = fields.One2many(
        "oms.compensation", "sale_order_id", string="Compensations"
    )

    def _oms_compensate(self, delay):
        """Apply the channel's compensation policy to ``delay`` (a late arrival of one of the
        order's parcels). Once per order and kind whatever calls it (the engine reads what
        was granted; a unique index guards a race); nothing for a delay the customer caused."""
        self.ensure_one()
        order = self.sudo()
        policy = order.oms_channel_id.compensation_policy_id
        delay = delay.sudo()
        if not policy or delay.compensated:
            return self.env["oms.compensation"]
        delay.compensated = True
        if order.currency_id != policy.currency_id:
            order._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "No automatic compensation: the order is in %(order)s, the policy in "
                    "%(policy)s.",
                    order=order.currency_id.name,
                    policy=policy.currency_id.name,
                )
            )
            return self.env["oms.compensation"]
        customer = order.partner_id.commercial_partner_id
        today = fields.Date.context_today(self)
        decision = compensate(
            policy._engine_policy(),
            order._oms_compensation_facts(),
            Delay(delay.delay_days, delay.cause),
            today,
            order._oms_compensation_history(customer, policy, today),
        )
        grants = self.env["oms.compensation"]
        for action in decision.actions:
            reasons = [
                action.reason,
                *[r for r in decision.reasons if r.params.get("kind") == action.kind],
            ]
            grants |= (
                self.env["oms.compensation"]
                .sudo()
                .create(
                    {
                        "sale_order_id": order.id,
                        "partner_id": customer.id,
                        "delay_id": delay.id,
                        "kind": action.kind,
                        "amount": float(action.amount),
                        "currency_id": order.currency_id.id,
                        "capped_from": float(action.capped_from) if action.capped_from else 0.0,
                        "granted_on": today,
                        "reasons": [
                            {
                                "code": r.code,
                                "text": r.text,
                                "params": _plain(dict(r.params, amount=action.amount)),
                            }
                            for r in reasons
                        ],
                    }
                )
            )
        for grant in grants:
            if grant.kind == "express_fee_refund":
                order._oms_refund_express_fee(grant)
            else:
                order._oms_issue_voucher(grant, policy)
        order._oms_log_compensation(delay, grants, decision)
        return grants

    def _oms_compensation_facts(self):
        self.ensure_one()
        goods = sum(
            self.order_line.filtered(lambda line: not line.is_delivery).mapped("price_total")
        )
        express_fee = 0.0
        if self.oms_service_level == "express":
            express_fee = sum(self.order_line.filtered("is_delivery").mapped("price_total")) or (
                self.oms_shipping_price
            )
        return CompensationOrder(
            order_id=str(self.id),
            customer_id=str(self.partner_id.commercial_partner_id.id),
            currency=self.currency_id.name,
            order_value=_money(goods),
            service_level=self.oms_service_level,
            express_fee=_money(express_fee),
        )

    def _oms_compensation_history(self, customer, policy, today):
        """What the customer got already within the policy's period (this order included)."""
        since = today - timedelta(days=policy.customer_period_days)
        grants = (
            self.env["oms.compensation"]
            .sudo()
            .search([("partner_id", "=", customer.id), ("granted_on", ">", since)])
        )
        return tuple(
            Grant(str(g.sale_order_id.id), g.kind, _money(g.amount), g.granted_on) for g in grants
        )

    def _oms_refund_express_fee(self, grant):
        """The express fee back through the shop that took the money (customer service's
        refund request: the shop pays it back, idempotent by key), and the customer told."""
        self.ensure_one()
        reason = self.env._("The express delivery arrived late.")
        request = None
        if hasattr(type(self), "_oms_request_refund"):
            try:
                with self.env.cr.savepoint():
                    request = self._oms_request_refund(
                        [],
                        shipping=grant.amount,
                        reason=reason,
                        key=f"oms-compensation-{self.id}-express",
                        restock_type="no_restock",
                    )
            except UserError as error:  # e.g. the shop's shipping was refunded already
                _logger.info(
                    "Express fee of %s not refunded through the shop: %s", self.name, error
                )
        if request:
            grant.refund_request_ref = f"{request._name},{request.id}"
        else:  # the shop cannot pay it back (or no refund requests): a person does
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Refund the express fee"),
                note=self.env._(
                    "Refund %s to the customer: the express delivery arrived late.",
                    format_amount(self.env, grant.amount, grant.currency_id),
                ),
                user_id=self._oms_responsible_user().id,
            )
        customer_env = self.with_context(lang=self.partner_id.lang or self.env.lang).env
        self._oms_notify_customer(
            "refunded",
            key=f"compensation-{grant.id}",
            amount=grant.amount,
            reason=customer_env._("Your express delivery arrived late, so we refund its fee."),
        )

    def _oms_issue_voucher(self, grant, policy):
        """A gift card worth the voucher in the policy's program, e-mailed with its code."""
        self.ensure_one()
        valid_until = fields.Date.context_today(self) + timedelta(
            days=policy.voucher_valid_days or 365
        )
        card = (
            self.env["loyalty.card"]
            .sudo()
            .create(
                {
                    "program_id": policy.voucher_program_id.id,
                    "partner_id": self.partner_id.id,
                    "points": grant.amount,
                    "expiration_date": valid_until,
                }
            )
        )
        grant.loyalty_card_id = card
        customer_env = self.with_context(lang=self.partner_id.lang or self.env.lang).env
        days = grant.delay_id.delay_days
        self._oms_notify_customer(
            "voucher",
            key=f"compensation-{grant.id}",
            amount=grant.amount,
            code=card.code,
            valid_until=valid_until,
            reason=customer_env._(
                "Your order arrived %s day(s) later than we promised. We are sorry.", days
            ),
        )

    def _oms_log_compensation(self, delay, grants, decision):
        lines = [self.env._("Compensation for %s:", delay.picking_id.name)]
        for grant in grants:
            lines += grant._texts()
        if not grants:
            code = decision.reasons[0].code if decision.reasons else ""
            lines.append(
                {
                    "customer_caused": self.env._("None: the customer caused the delay."),
                    "not_late": self.env._("None: the order arrived as promised."),
                    "below_thresholds": self.env._("None: the delay is below every rule."),
                    "already_granted": self.env._("None: the order was compensated already."),
                }.get(code, self.env._("None: the caps are reached."))
            )
        self._message_log(body=Markup("").join(Markup("<p>%s</p>") % line for line in lines))


def _money(value):
    return Decimal(repr(float(value or 0.0)))


def _plain(params):
    result = {}
    for name, value in params.items():
        plain = int | float | str | bool | type(None) | list | dict
        if isinstance(value, Decimal) or not isinstance(value, plain):
            value = str(value)
        result[name] = value
    return result
