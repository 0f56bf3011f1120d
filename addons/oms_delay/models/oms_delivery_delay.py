# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A parcel that will miss (or missed) its promise, as the delay scan found it: the signals
in the reader's words, what the customer was told, and who caused it."""

from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from .stock_picking import DELAY_STATES

CAUSES = [
    ("node", "The shipping node"),
    ("carrier", "The carrier"),
    ("customer", "The customer"),
    ("unknown", "Unknown"),
]
CUSTOMER_SERVICE = "oms_omnichannel.group_oms_customer_service"


class OmsDeliveryDelay(models.Model):
    _name = "oms.delivery.delay"
    _description = "Late Delivery"
    _order = "detected_at desc, id desc"
    _rec_name = "picking_id"

    picking_id = fields.Many2one("stock.picking", required=True, ondelete="cascade", index=True)
    sale_order_id = fields.Many2one(
        "sale.order", related="picking_id.sale_id", store=True, index=True, string="Order"
    )
    company_id = fields.Many2one(related="picking_id.company_id", store=True)
    partner_id = fields.Many2one(related="sale_order_id.partner_id", string="Customer")
    status = fields.Selection(DELAY_STATES, required=True)
    final = fields.Boolean(help="Delivered (or sent back): the delay will not change any more.")
    promised_date = fields.Date(required=True)
    expected_date = fields.Date(string="Now Expected")
    delay_days = fields.Integer(string="Days Late")
    cause = fields.Selection(CAUSES, default="unknown", required=True)
    cause_by_person = fields.Boolean(help="The cause was set by customer service.")
    reasons = fields.Json(help="The engine's signals: code and parameters, the worst first.")
    explanation_html = fields.Html(
        string="Why", compute="_compute_explanation_html", sanitize=False
    )
    detected_at = fields.Datetime(required=True, default=fields.Datetime.now)
    told_date = fields.Date(
        string="Customer Told", help="The expected date the customer was told last."
    )
    told_at = fields.Datetime()
    activity_scheduled = fields.Boolean()
    compensated = fields.Boolean(help="The compensation policy was applied to it.")

    _sql_constraints = [
        ("picking_unique", "unique(picking_id)", "A delivery has one delay record."),
    ]

    @api.depends("reasons")
    def _compute_explanation_html(self):
        for delay in self:
            delay.explanation_html = Markup("").join(
                Markup("<p>%s</p>") % text for text in delay._reason_texts()
            )

    def _reason_texts(self):
        """The signals in the back office's words and formats."""
        self.ensure_one()
        texts = []
        for reason in self.reasons or []:
            texts.append(self._reason_text(reason.get("code"), reason.get("params") or {}, reason))
        return texts

    def _reason_text(self, code, params, reason=None):
        def day(name):
            value = params.get(name)
            return (
                format_date(self.env, fields.Date.to_date(value), date_format="full")
                if value
                else ""
            )

        texts = {
            "delivered_late": lambda: self.env._(
                "Delivered on %(day)s, %(days)s day(s) after the promised %(promised)s.",
                day=day("delivered_on"),
                days=self.delay_days,
                promised=day("promised_date"),
            ),
            "delivered_on_time": lambda: self.env._(
                "Delivered on %s, as promised.", day("delivered_on")
            ),
            "returned_to_sender": lambda: self.env._(
                "The carrier is sending the parcel back: it will not arrive as promised."
            ),
            "carrier_estimate_late": lambda: self.env._(
                "The carrier now expects to deliver on %(day)s, after the promised %(promised)s.",
                day=day("expected_date"),
                promised=day("promised_date"),
            ),
            "promise_passed": lambda: self.env._(
                "The promised date %s has passed and the parcel is not delivered.",
                day("promised_date"),
            ),
            "missed_node_cutoff": lambda: self.env._(
                "Not picked by the node's cutoff: it can ship on %(ship)s and arrive on %(day)s.",
                ship=day("ship_date"),
                day=day("expected_date"),
            ),
            "carrier_exception": lambda: self.env._(
                "The carrier reports a problem with the parcel."
            ),
            "delivery_attempt_failed": lambda: self.env._(
                "The carrier could not deliver the parcel."
            ),
            "no_carrier_scan": lambda: self.env._(
                "No carrier scan for %s hours.", params.get("silent_hours", "?")
            ),
            "on_track": lambda: self.env._("On track for %s.", day("promised_date")),
        }
        if code in texts:
            return texts[code]()
        return (reason or {}).get("text") or str(code).replace("_", " ")

    # ------------------------------------------------------------------ customer service

    def _check_customer_service(self):
        if not self.env.user.has_group(CUSTOMER_SERVICE):
            raise AccessError(self.env._("Only customer service says who caused a delay."))
        self.check_access("read")
        if self.filtered("compensated"):
            raise UserError(
                self.env._("The compensation of this delay was already decided: change it by hand.")
            )

    def action_oms_customer_caused(self):
        """The customer caused the delay (not at home, a wrong address): no compensation."""
        return self._oms_set_cause("customer")

    def action_oms_not_customer_caused(self):
        """Not the customer's doing after all: the facts' cause applies again."""
        return self._oms_set_cause("unknown")

    def _oms_set_cause(self, cause):
        self._check_customer_service()
        labels = dict(self._fields["cause"]._description_selection(self.env))
        self.sudo().write({"cause": cause, "cause_by_person": cause == "customer"})
        for delay in self:
            delay.sale_order_id._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "%(user)s says the delay of %(picking)s was caused by: %(cause)s.",
                    user=self.env.user.name,
                    picking=delay.picking_id.name,
                    cause=labels[cause],
                )
            )
        return True

    def _customer_sentence(self, lang):
        """Why the parcel is late, for the customer, in their language; empty when the
        signals say nothing a customer needs."""
        env = self.with_context(lang=lang).env
        code = (self.reasons or [{}])[0].get("code")
        return {
            "missed_node_cutoff": env._("Your parcel could not leave our warehouse on time."),
            "carrier_estimate_late": env._(
                "The carrier has told us your parcel will arrive later."
            ),
            "returned_to_sender": env._(
                "The carrier could not deliver your parcel and is sending it back to us."
            ),
            "carrier_exception": env._("The carrier reports a problem with your parcel."),
            "promise_passed": env._("Your parcel has not arrived on the promised day."),
        }.get(code, "")
