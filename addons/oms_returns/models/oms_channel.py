# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from oms_engine import InvalidInput
from oms_engine.returns_model import ReturnPolicy, check_return_policy


def _decimal(amount):
    return Decimal(repr(float(amount or 0.0)))


class OmsChannel(models.Model):
    """The channel's return rules: what may come back, until when, who pays what."""

    _inherit = "oms.channel"

    oms_currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    return_window_days = fields.Integer(
        string="Return Window (days)",
        default=30,
        help="Days after delivery a customer may return goods. 0: this channel takes no returns.",
    )
    return_outside_rules = fields.Selection(
        [("refuse", "Refuse, saying why"), ("review", "Send to a person to decide")],
        string="Outside the Rules",
        default="refuse",
        required=True,
        help="What happens to a return outside the window or of a product that cannot be returned.",
    )
    return_label_payer = fields.Selection(
        [("company", "We pay the return label"), ("customer", "The customer pays the label")],
        string="Return Label Paid By",
        default="company",
        required=True,
    )
    return_label_fee = fields.Monetary(
        currency_field="oms_currency_id",
        help="Taken off the refund of a mailed return when the customer pays the label "
        "(never when the goods were faulty or wrong).",
    )
    return_restocking_fee_percent = fields.Float(
        string="Restocking Fee (%)",
        help="Share of the refund kept when the customer changed their mind (not for faulty "
        "or wrong goods).",
    )
    return_horizon_days = fields.Integer(
        string="Sells Within (days)",
        default=30,
        help="A returned unit is worth its full value where it sells within these days.",
    )
    return_keep_it = fields.Boolean(
        string="Customers May Keep Cheap Items",
        default=True,
        help="Refund without return when sending an item back costs more than it recovers.",
    )
    return_keep_it_below = fields.Monetary(
        string="Keep-It Margin",
        currency_field="oms_currency_id",
        help="A mailed return must recover at least this much more than it costs, else the "
        "customer keeps the items.",
    )
    return_keep_it_max_value = fields.Monetary(
        string="Always Back Above",
        currency_field="oms_currency_id",
        help="Items worth more than this a unit always come back (0: no limit).",
    )
    return_transfer_min_gain = fields.Monetary(
        string="Send On From a Store When It Gains",
        currency_field="oms_currency_id",
        help="A unit returned in a store goes on to another node only when that recovers at "
        "least this much more than keeping it there.",
    )

    @api.constrains(
        "return_window_days",
        "return_horizon_days",
        "return_keep_it_below",
        "return_keep_it_max_value",
        "return_transfer_min_gain",
        "return_restocking_fee_percent",
        "return_label_fee",
    )
    def _check_return_rules(self):
        for channel in self:
            if channel.return_window_days < 0:
                raise ValidationError(self.env._("A return window cannot be negative."))
            if not 0 <= channel.return_restocking_fee_percent <= 100:
                raise ValidationError(self.env._("A restocking fee is between 0% and 100%."))
            if channel.return_label_fee < 0:
                raise ValidationError(self.env._("A label fee cannot be negative."))
            try:
                check_return_policy(channel._oms_return_policy())
            except InvalidInput as error:
                raise ValidationError(
                    self.env._(
                        "Return rules of %(channel)s: %(error)s",
                        channel=channel.name,
                        error=error.message,
                    )
                ) from None

    def _oms_return_policy(self):
        """The engine's ``ReturnPolicy`` of the channel (docs/engine_policies.md)."""
        self.ensure_one()
        currency = self.company_id.currency_id
        return ReturnPolicy(
            currency=currency.name,
            horizon_days=self.return_horizon_days or 30,
            keep_it=self.return_keep_it,
            keep_it_below=_decimal(self.return_keep_it_below),
            keep_it_max_value=(
                _decimal(self.return_keep_it_max_value) if self.return_keep_it_max_value else None
            ),
            transfer_min_gain=_decimal(self.return_transfer_min_gain),
        )
