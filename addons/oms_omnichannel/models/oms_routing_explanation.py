"""The routing explanations in words, rendered when they are read.

A decision stores what it has to say as data (``oms.routing.decision.explanation_data``): a
list of statements, each a dict with a ``code`` and its arguments - record ids, quantities,
dates as ISO strings, amounts as numbers. This model turns them into sentences in the
reader's language, with dates in the reader's format and time zone and amounts in the
company's currency (Odoo's ``format_date`` / ``format_amount``), and records by their
current names. Stored text would be in the language of whoever triggered the routing (often
the sync service's user) and would keep internal codes.

Codes unknown to this version (a newer engine's reason, a statement of another addon) are
rendered as plainly as possible instead of failing: :meth:`_reason_text` and
:meth:`_render_statement` are the hooks to extend.
"""

import logging
import math

from odoo import api, models
from odoo.exceptions import MissingError
from odoo.tools import format_amount, format_date

_logger = logging.getLogger(__name__)


class OmsRoutingExplanation(models.AbstractModel):
    _name = "oms.routing.explanation"
    _description = "Routing Explanation (in words)"

    # ------------------------------------------------------------------ rendering

    @api.model
    def _render(self, statements, company):
        """The sentences of ``statements`` (see the module docstring), one per paragraph."""
        if "oms_format_lang" not in self.env.context:
            self = self.with_context(oms_format_lang=self._format_lang())
        names = self._names_of(statements)
        out = []
        for statement in statements or ():
            try:
                text = self._render_statement(statement, names, company)
            except (KeyError, TypeError, ValueError):
                _logger.warning("Unreadable routing statement %r", statement, exc_info=True)
                text = None
            if text:
                out.append(text)
        return out

    @api.model
    def _format_lang(self):
        """The language Odoo's ``get_lang`` picks for dates and amounts - the context's, else
        that of the user's company, else English - read once per rendering and in one
        query: ``get_lang`` reads it through the records of the user, the company and its
        address, every column of the three, for each date (a third of a routing's chatter
        note when the context names no language, as for the sync service or a cron)."""
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        context_lang = self.env.context.get("lang")
        if context_lang in langs:
            return context_lang
        self.env["res.users"].flush_model(["company_id"])
        self.env["res.company"].flush_model(["partner_id"])
        self.env["res.partner"].flush_model(["lang"])
        self.env.cr.execute(
            """
            SELECT partner.lang
              FROM res_users usr
              JOIN res_company company ON company.id = usr.company_id
              JOIN res_partner partner ON partner.id = company.partner_id
             WHERE usr.id = %s
            """,
            [self.env.uid],
        )
        row = self.env.cr.fetchone()
        if row and row[0] in langs:
            return row[0]
        return "en_US" if "en_US" in langs else langs[0]

    def _lang_code(self):
        # None (get_lang decides) when called outside _render.
        return self.env.context.get("oms_format_lang")

    @api.model
    def _names_of(self, statements):
        """The display names of the records the statements mention, read in one go per
        model (the reader's language)."""
        ids = {
            "stock.warehouse": set(),
            "product.product": set(),
            "delivery.carrier": set(),
            "uom.uom": set(),
            "res.partner": set(),
        }
        for statement in statements or ():
            for key, model in (("node", "stock.warehouse"), ("to", "stock.warehouse")):
                if statement.get(key):
                    ids[model].add(statement[key])
            for node in statement.get("nodes") or ():
                ids["stock.warehouse"].add(node)
            if statement.get("carrier"):
                ids["delivery.carrier"].add(statement["carrier"])
            if statement.get("product"):
                ids["product.product"].add(statement["product"])
            if statement.get("uom"):
                ids["uom.uom"].add(statement["uom"])
            if statement.get("partner"):
                ids["res.partner"].add(statement["partner"])
            for item in statement.get("items") or ():
                ids["product.product"].add(item[0])
            for _rule, product in statement.get("rules") or ():
                if product:
                    ids["product.product"].add(product)
        names = {}
        for model, record_ids in ids.items():
            records = self.env[model].sudo().with_context(active_test=False).browse(record_ids)
            self._fetch_for_display_name(records)
            try:
                names[model] = {record.id: record.display_name for record in records}
            except MissingError:  # a record deleted since: said as "a removed ..."
                names[model] = {record.id: record.display_name for record in records.exists()}
        return names

    @api.model
    def _fetch_for_display_name(self, records):
        """Read only the columns the records' display name is made of, when they are all
        columns of the record itself (a node's or carrier's name): the first access would
        read every column of the table, a fifth of the routing note's CPU in a profile."""
        if not records:
            return
        field = records._fields["display_name"]
        depends = records.pool.field_depends[field]
        fields = records._fields
        if depends and all(
            name in fields and fields[name].store and fields[name].column_type for name in depends
        ):
            records.fetch(list(depends))  # a deleted record is left out, not raised

    @api.model
    def _render_statement(self, statement, names, company):
        """One statement as a sentence; ``None`` to leave it out."""
        code = statement.get("code")
        args = self._format_args(statement, names, company)
        renderers = {
            # The order as it is now (first paragraph of every decision).
            "ships": lambda: (
                self.env._(
                    "Ships in %(packages)s from %(nodes)s; everything arrives by %(date)s.",
                    **args,
                )
                if args.get("date")
                else self.env._("Ships in %(packages)s from %(nodes)s.", **args)
            ),
            "ships_sourced": lambda: (
                self.env._(
                    "Ships in %(packages)s from %(nodes)s; the units sourced arrive by %(date)s.",
                    **args,
                )
                if args.get("date")
                else self.env._("Ships in %(packages)s from %(nodes)s.", **args)
            ),
            "collect": lambda: (
                self.env._(
                    "Collected at %(node)s, ready on %(date)s.",
                    **args,
                )
                if args.get("date")
                else self.env._("Collected at %(node)s.", **args)
            ),
            "collect_sourced": lambda: (
                self.env._(
                    "Collected at %(node)s; the units sourced are ready on %(date)s.", **args
                )
                if args.get("date")
                else self.env._("Collected at %(node)s.", **args)
            ),
            "shipped": lambda: self.env._(
                "Everything has left: %(packages)s from %(nodes)s.", **args
            ),
            "backordered": lambda: self.env._(
                "%(items)s wait for stock at %(node)s: no date can be promised for them yet.",
                **args,
            ),
            "unsourced": lambda: self.env._("Nobody ships %(items)s for now.", **args),
            "hold": lambda: self.env._(
                "On hold: nothing ships until a person decides. Re-route the order once the "
                "stock has arrived, lower the quantities on the order lines, or cancel the "
                "order."
            ),
            "waiting": lambda: self.env._(
                "Waiting for stock: nothing ships until every unit can; the order is routed "
                "again automatically when stock arrives."
            ),
            "cancelled": lambda: self.env._("The order is cancelled: nothing ships."),
            "nothing": lambda: self.env._("Nothing is left to ship."),
            # What changed (the reason of a new decision).
            "qty_lowered": lambda: self.env._(
                "%(product)s: the quantity was lowered from %(before)s to %(after)s %(uom)s; "
                "the open deliveries were reduced.",
                **args,
            ),
            "qty_raised": lambda: self.env._(
                "%(product)s: the quantity was raised from %(before)s to %(after)s %(uom)s.",
                **args,
            ),
            "line_added": lambda: self.env._(
                "%(product)s was added: %(after)s %(uom)s.",
                **args,
            ),
            "replanned": lambda: self.env._(
                "Cancelled to be planned again: %(pickings)s.",
                **args,
            ),
            "line_cancelled": lambda: self.env._(
                "%(product)s was cancelled (quantity set to 0): it was taken off its deliveries.",
                **args,
            ),
            "rerouted": lambda: (
                self.env._(
                    "Re-routed by %(user)s, leaving out %(nodes)s: the deliveries nobody had "
                    "started were planned again.",
                    **args,
                )
                if args.get("nodes")
                else self.env._(
                    "Re-routed by %(user)s: the deliveries nobody had started were planned again.",
                    **args,
                )
            ),
            "failover": lambda: self.env._(
                "%(node)s was switched off for routing by %(user)s: its deliveries nobody had "
                "started were planned again.",
                **args,
            ),
            "retry": lambda: self.env._(
                "The missing stock has arrived: the order was routed again."
            ),
            "address_changed": lambda: self.env._(
                "The delivery address changed to %(partner)s: the deliveries nobody had "
                "started were planned again for it.",
                **args,
            ),
            "delivery_cancelled": lambda: self.env._(
                "Delivery %(picking)s was cancelled by %(user)s.", **args
            ),
            "delivery_done": lambda: self.env._("Delivery %(picking)s left %(node)s.", **args),
            "delivery_done_rest": lambda: self.env._(
                "Delivery %(picking)s left %(node)s with part of its goods; the rest follows "
                "in %(backorder)s.",
                **args,
            ),
            "order_cancelled": lambda: self.env._("The order was cancelled by %(user)s.", **args),
            "no_country": lambda: self.env._(
                "The delivery address has no country, so no carrier can be chosen: complete "
                "the customer's address, then re-route the order."
            ),
            "pickup_by_transfer": lambda: self.env._(
                "%(node)s is switched off for routing but still hands over orders: its own "
                "stock is not used, the goods come by transfer from other nodes.",
                **args,
            ),
            "pickup_moved": lambda: self.env._(
                "%(node)s no longer hands over orders: the order moved to %(to)s, the "
                "nearest pickup store that has everything; the customer was told.",
                **args,
            ),
            "pickup_stuck": lambda: self.env._(
                "%(node)s no longer hands over orders and no other pickup store can have "
                "everything ready: a person has to decide (another store, shipping to the "
                "customer, or cancelling).",
                **args,
            ),
            # How the plan was found (the engine's decision).
            "shipment": lambda: self.env._(
                "%(node)s ships %(items)s with %(carrier)s on %(ship)s, arriving %(date)s "
                "(%(packages)s, shipping cost %(cost)s).",
                **args,
            ),
            "shipment_held": lambda: self.env._(
                "%(node)s could ship %(items)s with %(carrier)s (%(packages)s, shipping cost "
                "%(cost)s) once the order is released.",
                **args,
            ),
            "transfer": lambda: self.env._(
                "%(node)s sends %(items)s to %(to)s by transfer, arriving %(date)s.", **args
            ),
            "transfer_held": lambda: self.env._(
                "%(node)s could send %(items)s to %(to)s by transfer once the order is released.",
                **args,
            ),
            "handover": lambda: self.env._(
                "%(node)s hands over %(items)s from its own shelves.", **args
            ),
            "not_sourced": lambda: self.env._("Not sourced: %(items)s - %(why)s.", **args),
            "not_used": lambda: self.env._("Not used: %(node)s - %(rules)s.", **args),
            "runner_up": lambda: self._runner_up_sentence(args),
            "greedy": lambda: self.env._(
                "The search ran out of time: the plan comes from a quick fallback and may not "
                "be the best possible."
            ),
            "truncated": lambda: self.env._(
                "Only the %(count)s most promising nodes were compared: the plan may not be "
                "the best possible.",
                **args,
            ),
            "routing_failed": lambda: self.env._(
                "The router could not decide (the error is in the server log): the order "
                "ships the standard way, from its warehouse."
            ),
        }
        renderer = renderers.get(code)
        if renderer is None:
            _logger.debug("No sentence for routing statement %r", code)
            return None
        return renderer()

    def _runner_up_sentence(self, args):
        worse, better = args["worse"], args["better"]
        if not worse:
            return self.env._(
                "Shipping from %(nodes)s only would have been just as good; when plans are "
                "equal the router keeps the one listed first, so the same order always routes "
                "the same way.",
                nodes=args["nodes"],
            )
        if better:
            return self.env._(
                "Shipping from %(nodes)s only was not chosen: %(worse)s, although %(better)s.",
                nodes=args["nodes"],
                worse=worse,
                better=better,
            )
        return self.env._(
            "Shipping from %(nodes)s only was not chosen: %(worse)s.",
            nodes=args["nodes"],
            worse=worse,
        )

    # ------------------------------------------------------------------ arguments

    @api.model
    def _format_args(self, statement, names, company):
        """The statement's arguments as the words of its sentence."""
        nodes, products = names["stock.warehouse"], names["product.product"]
        args = {}
        for key, value in statement.items():
            if key in ("node", "to"):
                args[key] = nodes.get(value) or self.env._("a removed node")
            elif key == "nodes":
                args[key] = self._join([nodes.get(n) or "?" for n in value])
            elif key == "carrier":
                args[key] = names["delivery.carrier"].get(value) or self.env._("no carrier")
            elif key == "product":
                args[key] = products.get(value) or self.env._("a removed product")
            elif key == "items":
                args[key] = self._items(value, products)
            elif key in ("date", "ship"):
                args[key] = (
                    format_date(self.env, value, lang_code=self._lang_code()) if value else ""
                )
            elif key == "cost":
                args[key] = format_amount(
                    self.env, value or 0.0, company.currency_id, lang_code=self._lang_code()
                )
            elif key == "packages":
                args[key] = self._packages(value)
            elif key in ("why", "reason"):
                args["why"] = self._reason_text(value)
            elif key == "rules":
                args[key] = "; ".join(
                    f"{products[product]}: {self._rule_text(rule)}"
                    if product and product in products
                    else self._rule_text(rule)
                    for rule, product in value
                )
            elif key in ("worse", "better"):
                args[key] = self._score_difference(value, company, better=key == "better")
            elif key == "uom":
                args[key] = names["uom.uom"].get(value, "")
            elif key == "partner":
                args[key] = names["res.partner"].get(value) or self.env._("an unknown address")
            elif key in ("before", "after"):
                args[key] = f"{value:g}"
            else:
                args[key] = value
        args.setdefault("worse", "")
        args.setdefault("better", "")
        return args

    @staticmethod
    def _join(names):
        return ", ".join(name for name in names if name)

    def _items(self, items, products):
        return ", ".join(
            self.env._(
                "%(qty)s x %(product)s",
                qty=f"{qty:g}",
                product=products.get(product) or self.env._("a removed product"),
            )
            for product, qty in items
        )

    def _packages(self, count):
        if count == 1:
            return self.env._("1 package")
        return self.env._("%(count)s packages", count=count)

    def _score_difference(self, figures, company, better=False):
        """How much worse (or, ``better``, better) a rejected plan was, part by part."""

        def money(amount):
            return format_amount(self.env, amount, company.currency_id, lang_code=self._lang_code())

        if better:
            texts = {
                "units": lambda n: self.env._("it leaves %(n)s unit(s) fewer unsourced", n=n),
                "packages": lambda n: self.env._("it needs %(n)s package(s) fewer", n=n),
                "cost": lambda n: self.env._("it costs %(amount)s less to ship", amount=money(n)),
                "days": lambda n: self.env._("it arrives %(n)s day(s) sooner", n=n),
                "km": lambda n: self.env._("it ships from %(n)s km closer", n=n),
                "rank": lambda n: self.env._("it uses nodes of a better routing rank"),
            }
        else:
            texts = {
                "units": lambda n: self.env._("it leaves %(n)s unit(s) unsourced", n=n),
                "packages": lambda n: self.env._("it needs %(n)s package(s) more", n=n),
                "cost": lambda n: self.env._("it costs %(amount)s more to ship", amount=money(n)),
                "days": lambda n: self.env._("it arrives %(n)s day(s) later", n=n),
                "km": lambda n: self.env._("it ships from %(n)s km farther away", n=n),
                "rank": lambda n: self.env._("it uses nodes of a worse routing rank"),
                "other": lambda n: self.env._(
                    "the sourcing policy scores it slightly worse overall"
                ),
            }
        return ", ".join(texts[key](figures[key]) for key in texts if figures.get(key))

    # ------------------------------------------------------------------ codes

    @api.model
    def _reason_text(self, reason):
        """Why units could not be sourced, for an engine or addon reason code."""
        texts = {
            "out_of_stock": self.env._("no node has it in stock"),
            "insufficient_stock": self.env._("the nodes that may ship it do not hold enough"),
            "no_eligible_node": self.env._("the nodes that hold it are all ruled out (see below)"),
            "unknown_sku": self.env._("the router does not know the product"),
            "split_not_allowed": self.env._(
                "the order may not be split and no single node has everything"
            ),
            "max_packages": self.env._("the policy's maximum number of packages is reached"),
            "not_worth_shipping": self.env._(
                "an extra package would cost more than the policy allows for it"
            ),
            "pickup_node_unavailable": self.env._("the pickup store cannot take the order"),
            "address_without_country": self.env._("the delivery address has no country"),
            "delivery_cancelled": self.env._("its delivery was cancelled and nothing replaced it"),
            "backordered": self.env._("no node could source it; it waits for stock"),
            "on_hold": self.env._("the order is on hold"),
        }
        if reason in texts:
            return texts[reason]
        return self._rule_text(reason)

    @api.model
    def _rule_text(self, rule):
        """Why a node was not used, for an engine rule code."""
        texts = {
            "node_disabled": self.env._("switched off for routing"),
            "excluded_by_policy": self.env._("left out by the sourcing policy"),
            "excluded_by_order": self.env._("left out for this order (re-routed or rejected)"),
            "does_not_ship_parcels": self.env._("does not ship parcels"),
            "ship_from_store_disabled": self.env._("this store does not ship to customers"),
            "capacity_reached": self.env._("its daily capacity is reached"),
            "no_carrier_service": self.env._(
                "no carrier service of this level delivers there from here"
            ),
            "no_carrier_for_product_class": self.env._("no carrier here accepts the product"),
            "dangerous_goods_not_certified": self.env._("not certified for dangerous goods"),
            "bulky_not_allowed": self.env._("may not ship bulky goods"),
            "bulky_too_far": self.env._("too far away for bulky goods (policy limit)"),
            "bulky_distance_unknown": self.env._(
                "the address has no coordinates to check the distance for bulky goods"
            ),
            "pickup_node_unavailable": self.env._("the pickup store cannot take the order"),
            "not_a_pickup_point": self.env._("not a pickup point"),
        }
        if rule in texts:
            return texts[rule]
        # A code of a newer engine: its words, never the raw code.
        return (rule or "").replace("_", " ").strip() or self.env._("no reason given")

    # ------------------------------------------------------------------ building statements

    @api.model
    def _score_figures(self, other, chosen):
        """The raw differences of a rejected plan's score against the chosen one, split into
        what is worse (positive) and better, as ``_score_difference`` reads them."""
        pairs = {
            "units": other.unfulfilled_units - chosen.unfulfilled_units,
            "packages": other.package_count - chosen.package_count,
            "cost": round(other.cost_amount - chosen.cost_amount, 2),
            "days": other.late_days - chosen.late_days,
            "km": math.floor(abs(other.distance_km - chosen.distance_km))
            * (1 if other.distance_km >= chosen.distance_km else -1),
            "rank": round(other.priority - chosen.priority, 6),
        }
        worse = {key: value for key, value in pairs.items() if value > 0}
        better = {key: -value for key, value in pairs.items() if value < 0}
        if not worse and other.total - chosen.total > 1e-6:
            worse["other"] = 1
        return worse, better
