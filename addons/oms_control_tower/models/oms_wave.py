"""Waves: deliveries held back from the nodes, re-decided together, then released.

Orders are routed one at a time as they come, so an early order may take the last units a
later one needed to ship in one parcel. Deliveries of nodes (or channels) that release in
waves wait (stock.picking.oms_wave_state, "not yet released") until their wave: at release
the engine's batch mode (oms_engine.batch.reoptimise) re-decides the wave's orders together
against the stock they share, each order's new plan is kept only if it arrives no later
than its promise and sources no fewer units, and every delivery is released. The wave keeps
the report: shipments and cost before and after (docs/control_tower.md, "Waves").
"""

import logging
import time
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup
from odoo import api, fields, models
from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)

try:
    from oms_engine.batch import reoptimise, route_one_by_one
    from oms_engine.sourcing import deplete
except ImportError:  # pragma: no cover - the manifest's external dependencies say it
    reoptimise = route_one_by_one = deplete = None

#: Wall seconds the engine may spend re-deciding one policy's orders of a wave.
TIME_LIMIT = 3.0
#: Times the window is solved again without the orders whose new plan broke a promise.
PROMISE_ROUNDS = 3


class OmsWave(models.Model):
    _name = "oms.wave"
    _description = "Release Wave"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, default="/", copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("open", "Collecting"), ("released", "Released")],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    release_at = fields.Datetime(
        string="Releases At", readonly=True, help="When the wave is released by itself."
    )
    released_at = fields.Datetime(string="Released On", readonly=True)
    released_by_id = fields.Many2one("res.users", readonly=True)
    picking_ids = fields.One2many("stock.picking", "oms_wave_id", string="Deliveries")
    picking_count = fields.Integer(compute="_compute_counts", string="Deliveries Waiting")
    # The report, written at release.
    order_count = fields.Integer(string="Orders", readonly=True)
    changed_order_ids = fields.Many2many(
        "sale.order", string="Orders Re-decided", readonly=True, copy=False
    )
    changed_count = fields.Integer(string="Orders Planned Again", readonly=True)
    kept_for_promise_count = fields.Integer(
        string="Kept for Their Promise",
        readonly=True,
        help="Orders the batch would have moved to a plan arriving after their promise: they "
        "kept their own.",
    )
    shipments_before = fields.Integer(
        readonly=True,
        help="The same orders decided one by one at release, on the stock of that moment.",
    )
    shipments_after = fields.Integer(readonly=True, help="As released.")
    packages_before = fields.Integer(readonly=True)
    packages_after = fields.Integer(readonly=True)
    cost_before = fields.Monetary(string="Shipping Cost Before", readonly=True)
    cost_after = fields.Monetary(string="Shipping Cost After", readonly=True)
    seconds = fields.Float(string="Release Time (s)", readonly=True, digits=(12, 2))
    solver_status = fields.Char(string="Solver", readonly=True)

    @api.depends("picking_ids.oms_wave_state")
    def _compute_counts(self):
        for wave in self:
            wave.picking_count = len(
                wave.picking_ids.filtered(lambda p: p.oms_wave_state == "waiting")
            )

    # ------------------------------------------------------------------ collecting

    @api.model
    def _open_wave(self, company):
        """The company's wave collecting deliveries now (one is opened when none is)."""
        wave = self.search(
            [("company_id", "=", company.id), ("state", "=", "open")], order="id", limit=1
        )
        if wave:
            return wave
        minutes = company.oms_wave_interval_minutes or 60
        wave = self.create(
            {
                "company_id": company.id,
                "release_at": fields.Datetime.now() + timedelta(minutes=minutes),
            }
        )
        wave.name = self.env._("Wave %(number)s", number=wave.id)
        return wave

    # ------------------------------------------------------------------ releasing

    @api.model
    def _cron_release_due(self):
        """Release every wave whose time has come; a wave already released is skipped, so
        a second or late run releases nothing twice."""
        for wave in self.search(
            [("state", "=", "open"), ("release_at", "<=", fields.Datetime.now())], order="id"
        ):
            wave._release()
        return True

    def action_release(self):
        """Release the wave now (button)."""
        if not self.env.user.has_group("oms_omnichannel.group_oms_manager"):
            raise AccessError(self.env._("Only an OMS manager may release a wave."))
        for wave in self:
            wave.sudo()._release()
        return True

    def _release(self):
        """Re-decide the wave's orders together, then release its deliveries."""
        self.ensure_one()
        # Whoever comes second (the cron and a person at once) finds it released.
        self.env.cr.execute(
            "SELECT id FROM oms_wave WHERE id = %s AND state = 'open' FOR UPDATE", (self.id,)
        )
        if not self.env.cr.fetchone():
            return False
        self.invalidate_recordset()
        started = time.perf_counter()
        now = fields.Datetime.now()
        self.write({"state": "released", "released_at": now, "released_by_id": self.env.uid})
        waiting = self.picking_ids.filtered(
            lambda p: p.oms_wave_state == "waiting" and p.state not in ("done", "cancel")
        )
        decidable = waiting.filtered(
            lambda p: (
                p.sale_id.state == "sale"
                and p.sale_id.oms_delivery_mode != "pickup"
                and not p._oms_is_started()
            )
        )
        report = self._redecide(decidable)
        still = self.picking_ids.filtered(lambda p: p.oms_wave_state == "waiting")
        still.write({"oms_wave_state": "released", "oms_wave_released_at": now})
        report["order_count"] = len(waiting.sale_id)
        report["seconds"] = time.perf_counter() - started
        self.write(report)
        self._message_log(body=Markup("<p>%s</p>") % self._report_sentence())
        self.env["oms.tower.dashboard"]._notify_changed()
        return True

    def _redecide(self, pickings):
        """The batch re-decision of ``pickings``' orders: applies the plans that save
        parcels within every promise and returns the report's figures."""
        report = {
            "shipments_before": 0,
            "shipments_after": 0,
            "packages_before": 0,
            "packages_after": 0,
            "cost_before": 0.0,
            "cost_after": 0.0,
            "changed_count": 0,
            "kept_for_promise_count": 0,
            "solver_status": "",
        }
        if not pickings:
            return report
        window = WaveWindow(self, pickings)
        statuses = []
        to_apply = {}
        for policy, orders in window.by_policy():
            chosen, before, kept, status = window.decide(policy, orders)
            statuses.append(status)
            report["kept_for_promise_count"] += kept
            ones = [before[order.id] for order in orders]
            pays = _pays(chosen, ones)
            if not pays:
                # Deciding together saves nothing: the deliveries stay as they were routed.
                # Planning an order again costs its deliveries and reservations, and where
                # nodes tie a batch picks other, equally good ones (a thousand-order wave
                # once re-planned 422 orders to ship in the same 1,021 shipments).
                chosen = ones
            for order, plan, one in zip(orders, chosen, ones, strict=True):
                report["shipments_before"] += _shipments(one)
                report["shipments_after"] += _shipments(plan)
                report["packages_before"] += one.score.package_count
                report["packages_after"] += plan.score.package_count
                report["cost_before"] += one.score.cost_amount
                report["cost_after"] += plan.score.cost_amount
                if pays and window.allocation(plan) != window.held_allocation(order):
                    to_apply[order] = plan
        self._apply(window, to_apply)
        report["changed_count"] = len(to_apply)
        report["changed_order_ids"] = [fields.Command.set([o.id for o in to_apply])]
        report["solver_status"] = "; ".join(s for s in statuses if s)
        return report

    def _apply(self, window, plans):
        """Plan again the orders whose deliveries change, with the plans the wave chose (the
        router's own way: the held deliveries cancelled, the new ones born released)."""
        if not plans:
            return
        context = {
            "oms_wave_plans": {
                o.id: (plan, window.engine_orders[o.id]) for o, plan in plans.items()
            },
            "oms_wave_releasing": self.id,
        }
        for order in sorted(plans, key=lambda o: o.id):
            order.with_context(**context)._oms_reroute(
                trigger="wave",
                pickings=window.pickings_of[order.id],
                changes=[{"code": "wave", "wave": self.id}],
            )

    def _report_sentence(self):
        self.ensure_one()
        return self.env._(
            "Released %(orders)s order(s). Decided together they ship in %(after)s shipment(s) "
            "instead of %(before)s, for %(cost_after)s instead of %(cost_before)s; "
            "%(changed)s order(s) were planned again, %(kept)s kept their own plan to keep "
            "their promise.",
            orders=self.order_count,
            after=self.shipments_after,
            before=self.shipments_before,
            cost_after=_amount(self, self.cost_after),
            cost_before=_amount(self, self.cost_before),
            changed=self.changed_count,
            kept=self.kept_for_promise_count,
        )


def _amount(wave, value):
    from odoo.tools import format_amount

    return format_amount(wave.env, value, wave.currency_id)


def _pays(chosen, one_by_one):
    """Whether the plans decided together beat the same orders decided one by one: fewer
    shipments, or as many for less shipping cost (a cent's rounding is no saving)."""
    after = (sum(_shipments(p) for p in chosen), sum(p.score.cost_amount for p in chosen))
    before = (sum(_shipments(p) for p in one_by_one), sum(p.score.cost_amount for p in one_by_one))
    return after[0] < before[0] or (after[0] == before[0] and after[1] < before[1] - 0.005)


def _shipments(plan):
    return len([s for s in plan.shipments if s.kind != "transfer"])


class WaveWindow:
    """The orders of one wave release as the engine sees them: their held deliveries, the
    stock they share (with what the held deliveries reserved given back), their engine
    orders and promises."""

    def __init__(self, wave, pickings):
        self.wave = wave
        self.env = wave.env
        self.company = wave.company_id
        network_model = self.env["oms.network"]
        self.router = self.env["oms.router"].with_context(oms_capacity_cache={})
        self.nodes = network_model._get_nodes(self.company)
        self.code_of = {wh.id: network_model._node_id(wh) for wh in self.nodes}
        self.pickings_of = defaultdict(lambda: self.env["stock.picking"])
        for picking in pickings:
            self.pickings_of[picking.sale_id.id] |= picking
        # Arrival order: the order routing decided them in.
        self.orders = pickings.sale_id.sorted(lambda o: (o.date_order, o.id))
        self.moves = pickings.move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
        self.products = self.moves.product_id
        self.stock = self._shared_stock()
        self.engine_orders = {}
        self.promise = {}

    def _shared_stock(self):
        """Sellable stock per (sku, node) before the wave: free stock now plus what the
        held deliveries reserve, less the largest safety stock of the wave's channels."""
        network_model = self.env["oms.network"]
        free = self.env["oms.sellable.stock"]._get_on_hand_free(self.products, self.nodes)
        free = defaultdict(float, free)
        for move in self.moves:
            warehouse = move.picking_id.picking_type_id.warehouse_id
            free[(warehouse.id, move.product_id.id)] += move.product_qty
        safety = max(self.orders.oms_channel_id.mapped("safety_stock") or [0.0])
        stock = defaultdict(dict)
        for (wh_id, product_id), qty in free.items():
            units = int(qty - safety)
            if units > 0 and wh_id in self.code_of:
                sku = network_model._sku(self.env["product.product"].browse(product_id))
                stock[sku][self.code_of[wh_id]] = units
        return stock

    def by_policy(self):
        groups = defaultdict(list)
        for order in self.orders:
            groups[order._oms_get_sourcing_policy()].append(order)
        return sorted(groups.items(), key=lambda item: item[0].id)

    def _engine_order(self, order):
        demand = defaultdict(dict)
        for move in self.pickings_of[order.id].move_ids:
            if move.state in ("done", "cancel") or not move.sale_line_id:
                continue
            line = move.sale_line_id
            demand[move.product_id][line] = demand[move.product_id].get(line, 0) + round(
                move.product_qty
            )
        channel = order.oms_channel_id
        allowed = (channel.warehouse_ids & self.nodes) if channel.warehouse_ids else self.nodes
        return self.router._prepare_engine_order(order, demand, self.nodes - allowed, self.nodes)

    def decide(self, policy, orders):
        """(chosen plans, one-by-one plans by order id, orders kept for their promise,
        solver status) for one policy's orders; the stock they take is taken out."""
        network_model = self.env["oms.network"]
        network = network_model._get_network(self.company, policy)
        network_model._ensure_products(network, self.products)
        engine_orders = []
        for order in orders:
            self.engine_orders[order.id] = self._engine_order(order)
            engine_orders.append(self.engine_orders[order.id])
            promised = [d for d in self.pickings_of[order.id].mapped("oms_promised_date") if d]
            self.promise[order.id] = max(promised).date() if promised else None
        one_by_one = list(route_one_by_one(network, engine_orders, self.stock))
        chosen = list(one_by_one)
        kept = set()
        status = ""
        for _round in range(PROMISE_ROUNDS):
            free = [i for i in range(len(orders)) if i not in kept]
            stock = {sku: dict(per_node) for sku, per_node in self.stock.items()}
            for i in kept:
                deplete(stock, one_by_one[i])
            result = reoptimise(
                network,
                [engine_orders[i] for i in free],
                stock,
                plans=[one_by_one[i] for i in free],
                time_limit=TIME_LIMIT,
            )
            status = result.solver_status
            broken = set()
            for i, batch_order in zip(free, result.orders, strict=True):
                chosen[i] = batch_order.plan
                if batch_order.changed and not self._keeps_promise(
                    orders[i], batch_order.plan, one_by_one[i]
                ):
                    broken.add(i)
            if not broken:
                break
            kept |= broken
            for i in broken:
                chosen[i] = one_by_one[i]
        else:
            # Still breaking a promise after the last round: release them one by one.
            chosen = list(one_by_one)
        for plan in chosen:
            deplete(self.stock, plan)
        before = {order.id: one_by_one[i] for i, order in enumerate(orders)}
        return chosen, before, len(kept), status

    def _keeps_promise(self, order, plan, one_by_one):
        promised = self.promise.get(order.id)
        if plan.promised_date and promised and plan.promised_date > promised:
            return False
        return sum(u.quantity for u in plan.unfulfilled) <= sum(
            u.quantity for u in one_by_one.unfulfilled
        )

    @staticmethod
    def allocation(plan):
        totals = defaultdict(int)
        for shipment in plan.shipments:
            for line in shipment.lines:
                totals[(shipment.node, line.sku)] += line.quantity
        return dict(totals)

    def held_allocation(self, order):
        network_model = self.env["oms.network"]
        totals = defaultdict(int)
        for move in self.pickings_of[order.id].move_ids:
            if move.state in ("done", "cancel"):
                continue
            node = self.code_of.get(move.picking_id.picking_type_id.warehouse_id.id)
            totals[(node, network_model._sku(move.product_id))] += round(move.product_qty)
        return dict(totals)
