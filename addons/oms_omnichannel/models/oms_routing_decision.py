from markupsafe import Markup, escape
from odoo import api, fields, models
from odoo.tools import clean_context
from odoo.tools.mail import generate_tracking_message_id

# Whether every unit of the order has a node that ships it (oms.routing.summary._status).
SOURCING_STATUSES = [
    ("complete", "Fully sourced"),
    ("partial", "Partially sourced"),
    ("unfulfilled", "Nothing sourced"),
]
# What can lead to a decision: a routing (the first four and "change" when more is ordered,
# "address"), or a change the router did not plan, recorded so that the order says what is
# true now.
TRIGGERS = [
    ("confirm", "Order confirmed"),
    ("reroute", "Re-routed"),
    ("failover", "Node switched off"),
    ("retry", "Stock arrived"),
    ("change", "Quantity changed"),
    ("address", "Delivery address changed"),
    ("delivery_cancelled", "Delivery cancelled"),
    ("delivery_done", "Delivery shipped"),
    ("cancel", "Order cancelled"),
]


class OmsRoutingDecision(models.Model):
    """What the router decided for an order, and why - and every later change.

    One record per routing (confirmation, re-route, failover, quantity added) and per change
    the router did not plan (a quantity lowered, a delivery cancelled or shipped, the order
    cancelled): the latest is the order's current decision and describes the order as it is,
    the older ones stay as its history.
    """

    _name = "oms.routing.decision"
    _description = "Routing Decision"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    # Stored computed fields are precomputed: the router creates a decision per routed order,
    # and a recompute after the INSERT would cost an UPDATE of every new decision.
    name = fields.Char(compute="_compute_name", store=True, precompute=True)
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Order",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="sale_order_id.company_id", store=True, precompute=True)
    channel_id = fields.Many2one(
        related="sale_order_id.oms_channel_id", store=True, precompute=True
    )
    policy_id = fields.Many2one(
        "oms.sourcing.policy",
        string="Sourcing Policy",
        help="The weights and limits the plan was chosen with.",
    )
    is_current = fields.Boolean(
        string="Current",
        default=True,
        index=True,
        help="The order's latest decision: the one that describes it now. Older ones stay "
        "as its history.",
    )
    trigger = fields.Selection(
        TRIGGERS,
        string="What Happened",
        required=True,
        default="confirm",
        help="What led to this decision.",
    )
    status = fields.Selection(
        SOURCING_STATUSES,
        string="Sourcing",
        required=True,
        default="complete",
        help="After this decision: whether every unit of the order has a node that ships "
        "it (fully), some units wait or are held (partially), or none has (nothing).",
    )
    method = fields.Char(
        string="Search Method",
        help="How the router found the plan: exact (the best plan under the policy), or "
        "greedy-fallback (the search ran out of time). Empty when nothing was searched (a "
        "change recorded as it happened).",
    )
    score = fields.Float(
        help="The plan's total under the sourcing policy, in the company's currency: "
        "shipping costs plus the policy's penalties (extra packages, days late, distance, "
        "node rank, units left out). Lower is better; only comparable between plans of the "
        "same order."
    )
    cost = fields.Float(
        string="Shipping Cost",
        help="Handling and carrier cost of the plan's shipments, in the company's currency.",
    )
    package_count = fields.Integer(
        string="Packages", help="Parcels the order ships in after this decision."
    )
    is_split = fields.Boolean(
        string="Split",
        help="After this decision the order ships in more than one delivery.",
    )
    excluded_warehouse_ids = fields.Many2many(
        "stock.warehouse",
        "oms_decision_excluded_warehouse_rel",
        "decision_id",
        "warehouse_id",
        string="Left-out Nodes",
        help="Nodes this routing had to leave out (a re-route, a node switched off).",
    )
    line_ids = fields.One2many("oms.routing.decision.line", "decision_id", string="Lines")
    shipment_line_ids = fields.One2many(
        "oms.routing.decision.line",
        "decision_id",
        domain=[("kind", "in", ("shipment", "transfer"))],
        string="Shipments",
    )
    unfulfilled_line_ids = fields.One2many(
        "oms.routing.decision.line",
        "decision_id",
        domain=[("kind", "=", "unfulfilled")],
        string="Unfulfilled",
    )
    picking_ids = fields.One2many(
        "stock.picking", "oms_decision_id", string="Deliveries", readonly=True
    )
    # What the decision says, as data (statements of oms.routing.explanation): rendered in
    # the reader's language when read, never stored as text.
    explanation_data = fields.Json(string="Explanation (data)", readonly=True)
    explanation = fields.Text(
        compute="_compute_explanation",
        help="The decision in words: the order as it is after it, what changed, and why "
        "the plan looks the way it does.",
    )
    explanation_html = fields.Html(compute="_compute_explanation", sanitize=True, string="Why")
    # The text of decisions made before explanations were stored as data (18.0.1.1.0).
    explanation_legacy = fields.Text(string="Explanation (as first written)", readonly=True)
    duration_ms = fields.Float(
        string="Routing Time (ms)",
        digits=(12, 3),
        help="How long the router took to decide, in milliseconds.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")

    def _add_precomputed_values(self, vals_list):
        # The ORM computes precomputed fields on a draft record built from the values, with
        # a draft of every line: about a fifth of creating a decision. The three fields here
        # come from the order the values name (in the cache: it is being routed); the ORM
        # still computes anything else the values miss (another addon's precomputed fields).
        # Kept equal to the computations: test_decision_is_built_without_draft_records.
        ours = {self._fields[name] for name in ("name", "company_id", "channel_id")}
        shortcut = []
        for vals in vals_list:
            if vals.get("sale_order_id") and not any(field.name in vals for field in ours):
                order = self.env["sale.order"].sudo().browse(vals["sale_order_id"])
                vals["name"] = self._decision_name(order.name, vals.get("trigger"))
                vals["company_id"] = order.company_id.id
                vals["channel_id"] = order.oms_channel_id.id
                shortcut.append(vals)
        result = super()._add_precomputed_values(vals_list)
        for vals in shortcut:
            # Marked as computed, never as written: a related field given in the values
            # would otherwise be written through to the order (its inverse).
            vals["__precomputed__"] = set(vals.get("__precomputed__", ())) | ours
        return result

    @api.model
    def _decision_name(self, order_name, trigger):
        return f"{order_name or ''} / {trigger or ''}"

    @api.depends("sale_order_id.name", "trigger")
    def _compute_name(self):
        for decision in self:
            decision.name = self._decision_name(decision.sale_order_id.name, decision.trigger)

    @api.depends("sale_order_id.name", "trigger")
    @api.depends_context("lang")
    def _compute_display_name(self):
        # The stored name keeps the trigger's value (searchable, one language); people read
        # the trigger's label, in their own language.
        labels = dict(self._fields["trigger"]._description_selection(self.env))
        for decision in self:
            trigger = labels.get(decision.trigger, "")
            decision.display_name = f"{decision.sale_order_id.name or ''} / {trigger}"

    @api.depends("explanation_data", "explanation_legacy")
    @api.depends_context("lang", "tz")
    def _compute_explanation(self):
        for decision in self:
            paragraphs = decision._explanation_paragraphs()
            decision.explanation = "\n".join(paragraphs)
            decision.explanation_html = Markup("").join(
                Markup("<p>%s</p>") % paragraph for paragraph in paragraphs
            )

    def _explanation_paragraphs(self, parts=("now", "changes", "plan"), plan_codes=None):
        """The decision's sentences, in the reader's language (``plan_codes``: only these
        statements of the plan)."""
        self.ensure_one()
        data = self.explanation_data or {}
        if not data and self.explanation_legacy:
            return [p.strip() for p in self.explanation_legacy.split("\n") if p.strip()]
        statements = [
            statement
            for part in parts
            for statement in data.get(part) or ()
            if part != "plan" or plan_codes is None or statement.get("code") in plan_codes
        ]
        return self.env["oms.routing.explanation"]._render(
            statements, self.company_id or self.env.company
        )

    def _log_on_orders(self, pending=()):
        """Note each decision in its order's chatter - what the order looks like now and
        what changed - in one batch (a log: no notification, cheap on confirmation).

        ``pending``: other notes of the same routing, ``[(records, {id: body}), ...]`` (the
        new deliveries' "created from" notes), logged before them in the same batch."""
        bodies = {}
        labels = dict(self._fields["trigger"]._description_selection(self.env))
        for decision in self:
            paragraphs = decision._explanation_paragraphs(parts=("changes", "now"))
            body = Markup("<p><b>%s</b></p>") % self.env._(
                "Routing: %s", labels.get(decision.trigger, "")
            )
            body += Markup("").join(Markup("<p>%s</p>") % p for p in paragraphs)
            bodies[decision.sale_order_id.id] = body
        notes = list(pending)
        if bodies:
            notes.append((self.env["sale.order"].browse(list(bodies)), bodies))
        self._log_notes(notes)

    @api.model
    def _log_notes(self, notes):
        """Log ``notes`` (``[(records, {id: body}), ...]``, records of any mail.thread
        models) as Odoo's ``_message_log_batch`` logs each: notes by the current user, no
        notification - but in one ``mail.message`` create for all of them, which costs
        about what one note costs (test_confirmation_cost compares the fields with Odoo's
        log)."""
        notes = [(records, bodies) for records, bodies in notes if records]
        if len(notes) == 1:
            records, bodies = notes[0]
            return records._message_log_batch(bodies=bodies)
        if not notes:
            return self.env["mail.message"]
        first = notes[0][0]
        author_id, email_from = first._message_compute_author(raise_on_email=False)
        common = {
            "author_id": author_id,
            "email_from": email_from,
            "record_alias_domain_id": False,
            "record_company_id": False,
            "record_name": False,
            "message_type": "notification",
            "is_internal": True,
            "subject": False,
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
            "email_add_signature": False,
            "reply_to": self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False],
        }
        values = []
        for records, bodies in notes:
            # One message id per model's batch, as each _message_log_batch makes one.
            message_id = generate_tracking_message_id("message-notify")
            values += [
                dict(
                    common,
                    model=records._name,
                    res_id=record.id,
                    body=escape(bodies.get(record.id, "")),
                    message_id=message_id,
                )
                for record in records
            ]
        return (
            self.env["mail.message"]
            .sudo()
            .with_context(clean_context(self.env.context))
            .create(values)
        )
