"""Shadow replay: a changed sourcing policy tried on the last days' real orders before it goes
live (docs/control_tower.md, "Shadow replay").

Every routing records what the engine was asked (``oms.routing.decision.oms_replay_input``:
the order as the engine saw it, the sellable stock of its products per node, the nodes that
were switched off, and the plan's figures). The replay routes those same inputs again under
the candidate weights, on today's nodes and carriers, and sets the two side by side. Nothing
is written to the orders; activating copies the candidate into the live policy.
"""

import dataclasses
import time
from collections import Counter
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .engine_json import engine, order_from_json
from .oms_router import _plan_figures

POLICY_FIELDS = (
    "weight_package",
    "weight_cost",
    "weight_lateness",
    "weight_distance",
    "weight_priority",
    "max_packages",
    "max_bulky_distance_km",
)
REPLAYED_TRIGGERS = ("confirm",)
CANDIDATE = {
    "compute": "_compute_candidate",
    "store": True,
    "readonly": False,
    "precompute": True,
}


class OmsPolicyReplay(models.Model):
    _name = "oms.policy.replay"
    _description = "Sourcing Policy Replay"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    policy_id = fields.Many2one(
        "oms.sourcing.policy", string="Live Policy", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        precompute=True,
        readonly=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    days = fields.Integer(string="Replay the Last (days)", default=30, required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("done", "Replayed"),
            ("activated", "Activated"),
            ("discarded", "Discarded"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    # The candidate: the live policy's values (when the policy is chosen), changed by the user.
    weight_package = fields.Float(string="Cost per Extra Package", **CANDIDATE)
    weight_cost = fields.Float(string="Shipping Cost Weight", **CANDIDATE)
    weight_lateness = fields.Float(string="Cost per Day Late", **CANDIDATE)
    weight_distance = fields.Float(string="Cost per 100 km", **CANDIDATE)
    weight_priority = fields.Float(string="Cost per Rank Step", **CANDIDATE)
    max_packages = fields.Integer(string="Max Packages per Order", **CANDIDATE)
    max_bulky_distance_km = fields.Float(string="Max Distance for Bulky Goods (km)", **CANDIDATE)
    # Results
    replayed_at = fields.Datetime(readonly=True)
    seconds = fields.Float(string="Replay Time (s)", readonly=True, digits=(12, 2))
    order_count = fields.Integer(string="Orders Replayed", readonly=True)
    skipped_count = fields.Integer(
        string="Orders Not Replayable",
        readonly=True,
        help="Orders of the period whose routing did not record what the engine was asked "
        "(routed before the control tower was installed, or their products or nodes are "
        "gone).",
    )
    changed_count = fields.Integer(string="Orders Changed", readonly=True)
    decided_cost = fields.Monetary(string="Shipping Cost (decided)", readonly=True)
    replay_cost = fields.Monetary(string="Shipping Cost (replayed)", readonly=True)
    decided_packages = fields.Integer(string="Packages (decided)", readonly=True)
    replay_packages = fields.Integer(string="Packages (replayed)", readonly=True)
    decided_split_rate = fields.Float(string="Split Orders (decided)", readonly=True)
    replay_split_rate = fields.Float(string="Split Orders (replayed)", readonly=True)
    decided_late_days = fields.Integer(string="Days Late (decided)", readonly=True)
    replay_late_days = fields.Integer(string="Days Late (replayed)", readonly=True)
    node_line_ids = fields.One2many(
        "oms.policy.replay.node", "replay_id", string="Load per Node", readonly=True
    )
    order_line_ids = fields.One2many(
        "oms.policy.replay.order", "replay_id", string="Orders That Would Change", readonly=True
    )

    @api.depends("policy_id.name", "create_date")
    def _compute_name(self):
        for replay in self:
            replay.name = self.env._("Replay of %(policy)s", policy=replay.policy_id.name or "")

    @api.depends("policy_id")
    def _compute_company_id(self):
        for replay in self:
            replay.company_id = replay.policy_id.company_id or self.env.company

    @api.depends("policy_id")
    def _compute_candidate(self):
        # The candidate starts as the live policy.
        for replay in self:
            for name in POLICY_FIELDS:
                replay[name] = replay.policy_id[name]

    # ------------------------------------------------------------------ actions

    def action_replay(self):
        self._check_manager()
        for replay in self:
            if replay.state in ("activated", "discarded"):
                raise UserError(self.env._("This replay is closed; start a new one."))
            # The results are the replay's own bookkeeping: nobody writes them by hand.
            replay.sudo()._replay()
        return True

    def action_activate(self):
        """The candidate goes live: the policy takes its values."""
        self._check_manager()
        for replay in self:
            if replay.state != "done":
                raise UserError(self.env._("Replay the change before activating it."))
            old = {name: replay.policy_id[name] for name in POLICY_FIELDS}
            replay.policy_id.write({name: replay[name] for name in POLICY_FIELDS})
            changed = ", ".join(
                f"{replay._fields[name].get_description(self.env)['string']}: "
                f"{old[name]:g} \u2192 {replay[name]:g}"
                for name in POLICY_FIELDS
                if old[name] != replay[name]
            )
            replay.state = "activated"
            replay.message_post(
                body=self.env._(
                    "Activated by %(user)s: %(policy)s now routes with %(changes)s.",
                    user=self.env.user.name,
                    policy=replay.policy_id.name,
                    changes=changed or self.env._("the same values"),
                )
            )
        return True

    def action_discard(self):
        self._check_manager()
        self.write({"state": "discarded"})
        return True

    def _check_manager(self):
        if not self.env.user.has_group("oms_omnichannel.group_oms_manager"):
            raise AccessError(self.env._("Only an OMS manager may replay or change a policy."))

    # ------------------------------------------------------------------ replay

    def _candidate(self):
        """The candidate policy as an in-memory record (nothing written)."""
        self.ensure_one()
        values = {name: self[name] for name in POLICY_FIELDS}
        values["excluded_warehouse_ids"] = [
            fields.Command.set(self.policy_id.excluded_warehouse_ids.ids)
        ]
        values["company_id"] = self.policy_id.company_id.id
        return self.env["oms.sourcing.policy"].new(values)

    def _decisions(self):
        since = fields.Datetime.now() - timedelta(days=self.days)
        return (
            self.env["oms.routing.decision"]
            .sudo()
            .search(
                [
                    ("policy_id", "=", self.policy_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("trigger", "in", REPLAYED_TRIGGERS),
                    ("create_date", ">=", since),
                ],
                order="id",
            )
        )

    def _network(self):
        """Today's network under the candidate, every node on: a node that was off when an
        order was routed is left out of that order (its input says which)."""
        network_model = self.env["oms.network"].sudo()
        company = self.company_id
        nodes = network_model._get_nodes(company)
        carriers = network_model._get_carriers(company)
        candidate = self._candidate()
        return engine.Network(
            [dataclasses.replace(network_model._prepare_node(n), enabled=True) for n in nodes],
            [network_model._prepare_carrier_service(c) for c in carriers],
            [],
            network_model._prepare_policy(candidate, nodes),
        ), nodes

    def _replay(self):
        self.ensure_one()
        started = time.perf_counter()
        decisions = self._decisions()
        network, nodes = self._network()
        network_model = self.env["oms.network"].sudo()
        by_code = {network_model._node_id(node): node for node in nodes}
        known_nodes = {node.id for node in network.nodes}
        inputs = [(d, d.oms_replay_input) for d in decisions]
        skus = {line["sku"] for _d, doc in inputs if doc for line in doc["order"]["lines"]}
        products = (
            self.env["product.product"]
            .sudo()
            .browse([int(sku) for sku in skus if sku.isdigit()])
            .exists()
        )
        network_model._ensure_products(network, products)
        known_skus = set(network.products)
        totals = {"decided": Counter(), "replay": Counter()}
        load = {"decided": Counter(), "replay": Counter()}
        changed = []
        replayed = skipped = 0
        for decision, doc in inputs:
            order = self._replayable(doc, known_nodes, known_skus)
            if order is None:
                skipped += 1
                continue
            stock = {
                sku: {node: qty for node, qty in per_node.items() if node in known_nodes}
                for sku, per_node in doc["stock"].items()
            }
            plan = engine.route(network, order, stock, explain=False)
            replayed += 1
            decided, replay = doc["decided"], _plan_figures(plan)
            for side, figures in (("decided", decided), ("replay", replay)):
                self._add_up(totals[side], load[side], figures)
            if _allocation(decided) != _allocation(replay):
                changed.append((decision, order, stock, decided))
        self.order_line_ids.unlink()
        self.node_line_ids.unlink()
        self._write_changes(network, by_code, changed)
        self._write_node_lines(by_code, load)
        self.write(
            {
                "state": "done",
                "replayed_at": fields.Datetime.now(),
                "order_count": replayed,
                "skipped_count": skipped,
                "changed_count": len(changed),
                "decided_cost": totals["decided"]["cost"],
                "replay_cost": totals["replay"]["cost"],
                "decided_packages": totals["decided"]["packages"],
                "replay_packages": totals["replay"]["packages"],
                "decided_split_rate": totals["decided"]["split"] / replayed if replayed else 0.0,
                "replay_split_rate": totals["replay"]["split"] / replayed if replayed else 0.0,
                "decided_late_days": totals["decided"]["late_days"],
                "replay_late_days": totals["replay"]["late_days"],
                "seconds": time.perf_counter() - started,
            }
        )

    @staticmethod
    def _replayable(doc, known_nodes, known_skus):
        """The engine order of a recorded input, or None when it cannot be replayed."""
        if not doc or "order" not in doc or "decided" not in doc:
            return None
        if any(line["sku"] not in known_skus for line in doc["order"]["lines"]):
            return None
        disabled = set(doc.get("disabled") or ())
        for shipment in doc["decided"]["shipments"]:
            if shipment[0] not in known_nodes:
                return None
        try:
            return order_from_json(doc["order"], excluded=disabled & known_nodes)
        except (KeyError, TypeError, ValueError):
            return None

    @staticmethod
    def _add_up(totals, load, figures):
        deliveries = [s for s in figures["shipments"] if s[2] != "transfer"]
        totals["cost"] += figures["cost"]
        totals["packages"] += figures["packages"]
        totals["late_days"] += figures["late_days"]
        totals["split"] += 1 if len(deliveries) > 1 else 0
        for shipment in figures["shipments"]:
            load[shipment[0]] += 1

    def _write_changes(self, network, by_code, changed):
        """One line per order that would change, with both explanations (the replay's
        routed again with its explanation on, for these orders only)."""
        router = self.env["oms.router"].sudo()
        vals_list = []
        for decision, order, stock, decided in changed:
            plan = engine.route(network, order, stock, explain=True)
            vals_list.append(
                {
                    "replay_id": self.id,
                    "decision_id": decision.id,
                    "sale_order_id": decision.sale_order_id.id,
                    "decided_figures": decided,
                    "replay_figures": _plan_figures(plan),
                    "replay_statements": router._plan_statements(plan, by_code),
                }
            )
        self.env["oms.policy.replay.order"].create(vals_list)

    def _write_node_lines(self, by_code, load):
        codes = sorted(set(load["decided"]) | set(load["replay"]))
        self.env["oms.policy.replay.node"].create(
            [
                {
                    "replay_id": self.id,
                    "warehouse_id": by_code[code].id,
                    "decided_shipments": load["decided"][code],
                    "replay_shipments": load["replay"][code],
                }
                for code in codes
                if code in by_code
            ]
        )


def _allocation(figures):
    """What a plan ships, from where, with which service: comparable between two plans."""
    return sorted(
        (node, service or "", kind, sorted(map(tuple, lines)))
        for node, service, kind, lines in figures["shipments"]
    )
