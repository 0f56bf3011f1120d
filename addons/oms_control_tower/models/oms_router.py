"""The router, as the control tower needs it: every routing remembers what the engine was
asked (for the shadow replay), and a wave can hand it the plans it re-decided together."""

import logging

from odoo import api, models

from .engine_json import order_to_json, stock_to_json

_logger = logging.getLogger(__name__)

INPUTS_KEY = "oms_tower_inputs"
PLANS_KEY = "oms_wave_plans"
CAPACITY_KEY = "oms_capacity_cache"


class OmsRouter(models.AbstractModel):
    _inherit = "oms.router"

    @api.model
    def _route_lines(self, lines, trigger="confirm", excluded_warehouses=None, changes=None):
        # One dict per routing run, shared down to the decisions' creation through the
        # context: the engine input of each order is written with its decision, in the
        # decision's own INSERT.
        router = self
        if INPUTS_KEY not in self.env.context:
            router = self.with_context(**{INPUTS_KEY: {}})
        return super(OmsRouter, router)._route_lines(
            lines, trigger=trigger, excluded_warehouses=excluded_warehouses, changes=changes
        )

    @api.model
    def _run_engine(self, job, network, engine_order, stock):
        plan = self._wave_plan(job, engine_order)
        if plan is None:
            plan = super()._run_engine(job, network, engine_order, stock)
        inputs = self.env.context.get(INPUTS_KEY)
        if plan is not None and inputs is not None:
            inputs[job.order.id] = {
                "order": order_to_json(engine_order),
                "stock": stock_to_json(stock, engine_order),
                "disabled": sorted(n.id for n in network.nodes if not n.enabled),
                "decided": _plan_figures(plan),
            }
        return plan

    @api.model
    def _apply_plan(self, order, plan, decision, demand, warehouses, prepared=None):
        result = super()._apply_plan(order, plan, decision, demand, warehouses, prepared)
        # Routed deliveries of wave nodes and channels wait for their wave (stock.picking).
        order.picking_ids.filtered(
            lambda p: p.oms_decision_id == decision and p.state not in ("done", "cancel")
        ).sudo()._oms_hold_for_wave()
        return result

    @api.model
    def _wave_plan(self, job, engine_order):
        """The plan a wave decided for this order, when it was decided for exactly what the
        router is routing now (else None: the router decides as usual)."""
        plans = self.env.context.get(PLANS_KEY)
        if not plans or job.order.id not in plans:
            return None
        plan, wave_order = plans[job.order.id]
        if _quantities(engine_order) != _quantities(wave_order):
            _logger.info(
                "Wave plan of %s not used: the order changed since the wave decided it",
                job.order.name,
            )
            return None
        return plan

    @api.model
    def _get_warehouses_at_capacity(self, warehouses):
        # A wave prepares thousands of engine orders at once: count the nodes' load once.
        cache = self.env.context.get(CAPACITY_KEY)
        if cache is None:
            return super()._get_warehouses_at_capacity(warehouses)
        key = tuple(sorted(warehouses.ids))
        if key not in cache:
            cache[key] = super()._get_warehouses_at_capacity(warehouses)
        return cache[key]


def _quantities(order):
    totals = {}
    for line in order.lines:
        totals[line.sku] = totals.get(line.sku, 0) + line.quantity
    return totals


def _plan_figures(plan):
    """What the plan decided, compactly: enough to compare a replay with it."""
    return {
        "status": plan.status,
        "score": plan.score.total,
        "cost": plan.score.cost_amount,
        "packages": plan.score.package_count,
        "late_days": plan.score.late_days,
        "promised": plan.promised_date.isoformat() if plan.promised_date else None,
        "shipments": [
            [s.node, s.carrier_service, s.kind, [[line.sku, line.quantity] for line in s.lines]]
            for s in plan.shipments
        ],
        "unfulfilled": [[u.sku, u.quantity] for u in plan.unfulfilled],
    }
