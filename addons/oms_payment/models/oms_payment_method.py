# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

RELEASE_POLICIES = [
    ("at_once", "Released at once (paid at checkout)"),
    ("when_paid", "Prepayment: released when paid"),
    ("on_account", "Released, paid later (invoice, cash on delivery)"),
]


class OmsPaymentMethod(models.Model):
    """How a payment method of the shops releases an order to the nodes, and how an unpaid
    order is chased: reminders after N and M days, cancelled after K days."""

    _name = "oms.payment.method"
    _description = "Payment Method (OMS)"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="The shop's name for the method, as the intake receives it (payment.method), "
        "e.g. card, paypal, bank_transfer, invoice, cod. Compared without case.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Empty: the method of every company without one of its own."
    )
    release_policy = fields.Selection(RELEASE_POLICIES, required=True, default="at_once")
    on_account_max_amount = fields.Monetary(
        string="Up to",
        currency_field="currency_id",
        help="Orders worth more are released only when paid (0: any amount).",
    )
    on_account_returning_only = fields.Boolean(
        string="Returning Customers Only",
        help="A customer's first order is released only when paid.",
    )
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id, required=True
    )
    reminder_days = fields.Integer(
        string="First Reminder After",
        default=3,
        help="Days after the order without payment before the customer is reminded.",
    )
    second_reminder_days = fields.Integer(
        string="Second Reminder After", default=7, help="0: no second reminder."
    )
    cancel_days = fields.Integer(
        string="Cancel Unpaid After",
        default=10,
        help="Days without payment after which the order is cancelled and its stock released.",
    )
    bank_details = fields.Text(
        help="What the customer needs to pay by bank transfer (holder, IBAN, reference), "
        "shown in the payment e-mails."
    )
    payment_link = fields.Boolean(
        string="Online Payment Link",
        default=True,
        help="The payment e-mails carry a link to pay online through Odoo's payment portal.",
    )

    _sql_constraints = [
        (
            "code_company_unique",
            "unique(code, company_id)",
            "A payment method code is used once per company.",
        )
    ]

    @api.constrains("release_policy", "reminder_days", "second_reminder_days", "cancel_days")
    def _check_schedule(self):
        for method in self:
            problem = method._schedule_problem()
            if problem:
                raise ValidationError(
                    self.env._(
                        "Payment method %(method)s: %(problem)s",
                        method=method.name,
                        problem=problem,
                    )
                )

    def _schedule_problem(self):
        """What is wrong with the reminders and cancellation, in words, or None."""
        self.ensure_one()
        if self.release_policy == "at_once":
            return None
        first, second, cancel = self.reminder_days, self.second_reminder_days, self.cancel_days
        if first <= 0:
            return self.env._("the first reminder must come at least one day after the order.")
        if second < 0:
            return self.env._("the second reminder cannot come before the order.")
        if second and second <= first:
            return self.env._(
                "the second reminder (after %(second)s days) must come after the first "
                "(after %(first)s days).",
                second=second,
                first=first,
            )
        if cancel <= max(first, second):
            return self.env._(
                "the order can only be cancelled after the last reminder (after %(days)s "
                "days), not after %(cancel)s days.",
                days=max(first, second),
                cancel=cancel,
            )
        return None

    @api.model
    def _find(self, code, company):
        """The method of ``code`` (the shop's name for it) for ``company``: its own, else the
        one of every company; empty when the retailer configured none."""
        if not code:
            return self.browse()
        methods = self.search(
            [("code", "=ilike", code.strip()), ("company_id", "in", (company.id, False))]
        )
        return methods.sorted(lambda m: (not m.company_id, m.sequence, m.id))[:1]

    @api.model
    def _prepayment_method(self, company):
        """The schedule an order forced to prepay follows when its own method is no
        prepayment: the company's first prepayment method."""
        return self.search(
            [("release_policy", "=", "when_paid"), ("company_id", "in", (company.id, False))],
            order="company_id, sequence, id",
            limit=1,
        )
