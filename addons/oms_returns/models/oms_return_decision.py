# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Why a returned item went where it went, or became what it became - like a routing
decision: a record per decision, its sentences in the reader's language (amounts with
``format_amount``, nodes by their names), a note in the return's and the order's chatter.

The decision is stored as data (``data``, what the engine answered) and put into words when
read, so a reader in another language reads it in theirs.
"""

from markupsafe import Markup
from odoo import api, fields, models
from odoo.tools import format_amount

DECISION_KINDS = [
    ("mail", "Mailed return routed"),
    ("store", "Store return routed"),
    ("disposition", "Inspected"),
]


class OmsReturnDecision(models.Model):
    _name = "oms.return.decision"
    _description = "Return Decision"
    _order = "id desc"
    _check_company_auto = True

    return_id = fields.Many2one("oms.return", required=True, ondelete="cascade", index=True)
    sale_order_id = fields.Many2one(related="return_id.sale_order_id", store=True, string="Order")
    company_id = fields.Many2one(related="return_id.company_id", store=True)
    currency_id = fields.Many2one(related="return_id.currency_id")
    kind = fields.Selection(DECISION_KINDS, required=True, readonly=True)
    net_value = fields.Monetary(
        readonly=True, help="What the decision recovers, less labels, handling and transfers."
    )
    data = fields.Json(readonly=True, help="The decision as the engine gave it.")
    explanation = fields.Text(compute="_compute_explanation")
    explanation_html = fields.Html(compute="_compute_explanation", string="Why", sanitize=True)
    duration_ms = fields.Float(string="Decision Time (ms)", digits=(12, 3), readonly=True)

    @api.depends("data", "kind")
    @api.depends_context("lang")
    def _compute_explanation(self):
        for decision in self:
            sentences = decision._oms_sentences()
            decision.explanation = "\n".join(sentences)
            decision.explanation_html = Markup("").join(
                Markup("<p>%s</p>") % sentence for sentence in sentences
            )

    def _oms_log(self):
        """The decision in the return's and the order's chatter."""
        for decision in self:
            labels = dict(self._fields["kind"]._description_selection(self.env))
            body = Markup("<p><b>%s</b></p>") % self.env._(
                "%(what)s: %(name)s", what=labels[decision.kind], name=decision.return_id.name
            )
            body += decision.explanation_html
            decision.return_id.message_post(body=body, subtype_xmlid="mail.mt_note")
            decision.sale_order_id.message_post(body=body, subtype_xmlid="mail.mt_note")

    # ------------------------------------------------------------------
    # Words
    # ------------------------------------------------------------------
    def _oms_sentences(self):
        self.ensure_one()
        data = self.data or {}
        builder = {
            "mail": self._oms_mail_sentences,
            "store": self._oms_store_sentences,
            "disposition": self._oms_disposition_sentences,
        }[self.kind]
        return builder(data)

    def _money(self, amount):
        return format_amount(self.env, float(amount or 0.0), self.currency_id)

    def _node(self, node_id):
        if not node_id:
            return ""
        return self.env["stock.warehouse"].sudo().browse(int(node_id)).name or ""

    def _item(self, entry):
        return self.env._(
            "%(qty)s x %(product)s",
            qty=f"{float(entry.get('qty') or 0):g}",
            product=entry.get("product", ""),
        )

    def _oms_mail_sentences(self, data):
        out = []
        nodes = [self._node(node) for node in data.get("parcels") or []]
        if not nodes:
            out.append(
                self.env._(
                    "The customer keeps everything and is refunded without sending it back: "
                    "the return would not recover more than its label and handling cost."
                )
            )
        elif float(data.get("net") or 0) >= 0:
            out.append(
                self.env._(
                    "Sent to %(nodes)s (%(labels)s), recovering %(net)s after labels and handling.",
                    nodes=self.env._(" and ").join(nodes),
                    labels=self.env._("one label")
                    if len(nodes) == 1
                    else self.env._("%s labels", len(nodes)),
                    net=self._money(data.get("net")),
                )
            )
        else:
            out.append(
                self.env._(
                    "Sent to %(nodes)s (%(labels)s): it must come back, though labels and "
                    "handling cost %(loss)s more than it recovers.",
                    nodes=self.env._(" and ").join(nodes),
                    labels=self.env._("one label")
                    if len(nodes) == 1
                    else self.env._("%s labels", len(nodes)),
                    loss=self._money(-float(data.get("net") or 0)),
                )
            )
        for entry in data.get("lines") or []:
            item = self._item(entry)
            if entry.get("action") == "keep":
                out.append(
                    self.env._(
                        "%(item)s: the customer keeps it; sending it back would cost more than "
                        "it recovers.",
                        item=item,
                    )
                )
            elif entry.get("code") == "to_triage":
                out.append(
                    self.env._(
                        "%(item)s goes to %(node)s for triage (repair or a supplier claim), "
                        "worth %(value)s there; receiving it costs %(cost)s.",
                        item=item,
                        node=self._node(entry.get("node")),
                        value=self._money(entry.get("value")),
                        cost=self._money(entry.get("cost")),
                    )
                )
            else:
                out.append(
                    self.env._(
                        "%(item)s goes to %(node)s, where it is worth %(value)s%(sells)s; "
                        "receiving it costs %(cost)s.",
                        item=item,
                        node=self._node(entry.get("node")),
                        value=self._money(entry.get("value")),
                        sells=self._sells_words(entry),
                        cost=self._money(entry.get("cost")),
                    )
                )
        runner = data.get("runner_up")
        if runner:
            where = [self._node(runner.get("sell"))] if runner.get("sell") else []
            if runner.get("triage") and runner.get("triage") != runner.get("sell"):
                where.append(self.env._("%s for triage", self._node(runner["triage"])))
            out.append(
                self.env._(
                    "Sending it to %(where)s would have recovered %(gap)s less.",
                    where=self.env._(" and ").join(where)
                    or self.env._("nowhere (keeping everything)"),
                    gap=self._money(runner.get("gap")),
                )
            )
        return out

    def _sells_words(self, entry):
        chance = entry.get("chance")
        if chance is None:
            return ""
        if chance >= 0.995:
            return self.env._(" (it sells there within %s days)", entry.get("horizon"))
        return self.env._(
            " (a %(pct)s%% chance it sells there within %(days)s days)",
            pct=round(chance * 100),
            days=entry.get("horizon"),
        )

    def _oms_store_sentences(self, data):
        store = self._node(data.get("store"))
        out = [
            self.env._(
                "Returned at %(store)s: the items recover %(net)s after handling and transfers.",
                store=store,
                net=self._money(data.get("net")),
            )
        ]
        for entry in data.get("lines") or []:
            item = self._item(entry)
            action = entry.get("action")
            if action == "stay":
                text = self.env._(
                    "%(item)s stays in %(store)s's stock, worth %(value)s there.",
                    item=item,
                    store=store,
                    value=self._money(entry.get("value")),
                )
            elif action == "transfer":
                text = self.env._(
                    "%(item)s goes on to %(node)s, worth %(value)s there; the transfer and "
                    "handling cost %(cost)s.",
                    item=item,
                    node=self._node(entry.get("node")),
                    value=self._money(entry.get("value")),
                    cost=self._money(entry.get("cost")),
                )
            else:
                text = self.env._(
                    "%(item)s goes to %(node)s for triage.",
                    item=item,
                    node=self._node(entry.get("node")),
                )
            runner = entry.get("runner_up")
            if runner:
                text += " " + self.env._(
                    "%(node)s would have recovered %(gap)s less.",
                    node=self._node(runner.get("node")),
                    gap=self._money(runner.get("gap")),
                )
            out.append(text)
        return out

    def _oms_disposition_sentences(self, data):
        grades = dict(self.env["oms.return.line"]._fields["grade"]._description_selection(self.env))
        outcomes = dict(
            self.env["oms.return.line"]._fields["disposition"]._description_selection(self.env)
        )
        out = []
        for entry in data.get("lines") or []:
            others = [
                self.env._(
                    "%(outcome)s %(value)s",
                    outcome=outcomes[option["outcome"]].lower(),
                    value=self._money(option["value"]),
                )
                for option in entry.get("options") or []
                if option.get("allowed") and option["outcome"] != entry.get("outcome")
            ]
            text = self.env._(
                "%(item)s, inspected %(grade)s: %(outcome)s, recovering %(value)s.",
                item=self._item(entry),
                grade=grades.get(entry.get("grade"), "").lower(),
                outcome=outcomes.get(entry.get("outcome"), ""),
                value=self._money(entry.get("value")),
            )
            if others:
                text += " " + self.env._("Other outcomes: %s.", ", ".join(others))
            out.append(text)
        return out
