# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a channel grants for a broken delivery promise, checked with the engine's own check
when saved."""

from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError

try:  # the manifest's external dependency
    from oms_engine.compensation import (
        CompensationPolicy,
        VoucherTier,
        check_compensation_policy,
    )
    from oms_engine.errors import InvalidInput
except ImportError:  # pragma: no cover
    InvalidInput = None


class OmsCompensationPolicy(models.Model):
    _name = "oms.compensation.policy"
    _description = "Compensation Policy"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    refund_express_fee = fields.Boolean(
        string="Refund the Express Fee",
        default=True,
        help="An express order that arrives late gets its express shipping back, through the "
        "shop that took the payment.",
    )
    tier_ids = fields.One2many("oms.compensation.tier", "policy_id", string="Vouchers", copy=True)
    order_cap = fields.Monetary(
        string="Most per Order", help="Everything granted for one order together (0: no cap)."
    )
    customer_cap = fields.Monetary(
        string="Most per Customer",
        help="Everything granted to one customer within the period (0: no cap).",
    )
    customer_period_days = fields.Integer(string="Customer Period (Days)", default=365)
    voucher_program_id = fields.Many2one(
        "loyalty.program",
        domain="[('program_type', 'in', ('gift_card', 'ewallet'))]",
        check_company=True,
        help="The gift card (or e-wallet) program the vouchers are issued in: a card worth the "
        "voucher's amount, e-mailed to the customer with its code.",
    )
    voucher_valid_days = fields.Integer(string="Vouchers Valid For (Days)", default=365)
    channel_ids = fields.One2many("oms.channel", "compensation_policy_id", string="Channels")

    @api.constrains(
        "currency_id",
        "order_cap",
        "customer_cap",
        "customer_period_days",
        "tier_ids",
        "voucher_program_id",
    )
    def _check_with_the_engine(self):
        for policy in self:
            policy._engine_policy()
            if policy.tier_ids and not policy.voucher_program_id:
                raise ValidationError(
                    self.env._(
                        "Compensation policy %s gives vouchers: choose the gift card program "
                        "they are issued in.",
                        policy.name,
                    )
                )

    def _engine_policy(self):
        """The engine's policy of this record; a bad setting raises a ValidationError that
        names it as the form does."""
        self.ensure_one()
        tiers = self.tier_ids.sorted(lambda t: (t.after_days, t.id))
        try:
            policy = CompensationPolicy(
                currency=self.currency_id.name,
                refund_express_fee=self.refund_express_fee,
                voucher_tiers=tuple(tier._engine_tier() for tier in tiers),
                order_cap=_money(self.order_cap) if self.order_cap else None,
                customer_cap=_money(self.customer_cap) if self.customer_cap else None,
                customer_period_days=self.customer_period_days,
                step=_money(self.currency_id.rounding),
            )
            check_compensation_policy(policy)
        except InvalidInput as error:
            raise ValidationError(self._problem_text(error, tiers)) from None
        return policy

    def _problem_text(self, error, tiers):
        path = error.path
        if path.startswith("voucher_tiers["):
            index = int(path[len("voucher_tiers[") : path.index("]")])
            tier = tiers[index]
            return self.env._(
                "Compensation policy %(policy)s, voucher after %(days)s days: %(problem)s.",
                policy=self.name,
                days=tier.after_days,
                problem=error.message,
            )
        field = {
            "order_cap": "order_cap",
            "customer_cap": "customer_cap",
            "customer_period_days": "customer_period_days",
        }.get(path)
        label = self._fields[field].string if field else path
        return self.env._(
            "Compensation policy %(policy)s: %(setting)s %(problem)s.",
            policy=self.name,
            setting=label,
            problem=error.message,
        )


class OmsCompensationTier(models.Model):
    """A voucher for a delay of more than so many days: an amount or a share of the order."""

    _name = "oms.compensation.tier"
    _description = "Compensation Voucher Tier"
    _order = "after_days, id"

    policy_id = fields.Many2one(
        "oms.compensation.policy", required=True, ondelete="cascade", index=True
    )
    currency_id = fields.Many2one(related="policy_id.currency_id")
    after_days = fields.Integer(
        string="Late More Than (Days)", required=True, help="The delay this voucher is for."
    )
    kind = fields.Selection(
        [("amount", "An amount"), ("percent", "A share of the order")],
        required=True,
        default="amount",
    )
    amount = fields.Monetary()
    percent = fields.Float(string="Share (%)")

    @api.constrains("after_days", "kind", "amount", "percent")
    def _check_with_the_engine(self):
        for policy in self.policy_id:
            policy._engine_policy()

    def _engine_tier(self):
        self.ensure_one()
        if self.kind == "percent":
            return VoucherTier(self.after_days, percent=_money(self.percent))
        return VoucherTier(self.after_days, amount=_money(self.amount))


def _money(value):
    return Decimal(repr(float(value)))
