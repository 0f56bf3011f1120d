"""When the router cannot route an order the usual way: it holds it for a person (an
address without a country, a click & collect order no store can take), or it routes a
click & collect order whose store is switched off on purpose - by transfer to that store,
or to another store - and it tells whether a carrier serves an address."""

import dataclasses
import math
import time as _time

from odoo import api, fields, models
from odoo.tools import format_date

from .oms_network import engine


class OmsRouter(models.AbstractModel):
    _inherit = "oms.router"

    # ------------------------------------------------------------------ when routing cannot

    @api.model
    def _hold_without_route(self, job, reason, statement):
        """Hold the order for a person, every unit unsourced for ``reason`` (a reason code),
        with ``statement`` saying why; no plan is applied."""
        job.duration_ms = (_time.perf_counter() - job.started) * 1000.0
        job.state_after = "hold"
        order = job.order
        if order.oms_decision_id:
            order.oms_decision_ids.filtered("is_current").is_current = False
        summary_model = self.env["oms.routing.summary"]
        held = summary_model._held("hold", order, job.demand)
        # A first confirmation: nothing is delivered yet, the summary is known.
        summary = held if not order.procurement_group_id else None
        vals = {
            "sale_order_id": order.id,
            "policy_id": job.policy.id,
            "trigger": job.trigger,
            "status": "unfulfilled",
            "method": "",
            "excluded_warehouse_ids": [fields.Command.set(job.excluded_warehouses.ids)]
            if job.excluded_warehouses
            else [],
            "line_ids": [
                fields.Command.create(
                    {"kind": "unfulfilled", "product_id": pid, "quantity": qty, "reason": reason}
                )
                for pid, qty in held["unsourced"]
            ],
            "explanation_data": {
                "now": summary_model._statements(summary) if summary else [],
                "changes": [*job.changes, statement],
                "plan": [],
            },
            "duration_ms": job.duration_ms,
        }
        if summary:
            vals.update(summary_model._decision_vals(summary))
        decision = self.env["oms.routing.decision"].create(vals)
        self._finish(job, decision, summary)
        return decision

    @api.model
    def _pickup_store_unusable(self, store, excluded_warehouses):
        """Whether a click & collect order's store may not source it: switched off for
        routing, or left out of this routing (failover, re-route)."""
        return not store.oms_routing_enabled or store in excluded_warehouses

    @api.model
    def _route_pickup_failover(self, job, network, stock, store):
        """A click & collect order whose store may not source it, handled on purpose - never
        a delivery at a store that is off:

        1. the store still takes pickups (a pickup point): its goods come by transfer from
           other nodes, its own stock is not used;
        2. else, or when transfers cannot bring everything: the nearest other pickup store
           that can have everything ready takes the order, and the customer is told;
        3. else the order is held for a person, with an activity.
        """
        order = job.order
        network_model = self.env["oms.network"]
        code = network_model._node_id(store)
        if store.oms_pickup_point and code not in network.policy.excluded_nodes:
            variant = self._network_with_pickup_store(network, code)
            elsewhere = {
                sku: {n: q for n, q in per.items() if n != code} for sku, per in stock.items()
            }
            engine_order = self._prepare_engine_order(
                order, job.demand, job.excluded_warehouses - store, job.warehouses
            )
            plan = self._run_engine(job, variant, engine_order, elsewhere)
            if plan is None:
                return self.env["oms.routing.decision"]
            if plan.status == "complete":
                job.changes = [*job.changes, {"code": "pickup_by_transfer", "node": store.id}]
                job.shelves_off = True
                return self._decide(job, plan)
        for other in self._other_pickup_stores(store, job):
            engine_order = self._prepare_engine_order(
                order, job.demand, job.excluded_warehouses, job.warehouses, pickup_store=other
            )
            plan = self._run_engine(job, network, engine_order, stock)
            if plan is None:
                return self.env["oms.routing.decision"]
            if plan.status == "complete":
                job.pickup_store = other
                job.changes = [
                    *job.changes,
                    {"code": "pickup_moved", "node": store.id, "to": other.id},
                ]
                order.oms_pickup_warehouse_id = other
                decision = self._decide(job, plan)
                self._tell_customer_new_store(order, store, other)
                return decision
        return self._hold_without_route(
            job, "pickup_node_unavailable", {"code": "pickup_stuck", "node": store.id}
        )

    @api.model
    def _network_with_pickup_store(self, network, code):
        """The network with the store ``code`` switched on, for it to hand over an order;
        the caller keeps the store's own stock out, so it sources nothing."""
        nodes = [
            dataclasses.replace(node, enabled=True) if node.id == code else node
            for node in network.nodes
        ]
        return engine.Network(nodes, network.services, network.products.values(), network.policy)

    @api.model
    def _other_pickup_stores(self, store, job, limit=5):
        """The pickup stores that could take a click & collect order instead of ``store``,
        nearest first (the customer chose that neighbourhood)."""
        candidates = job.warehouses.filtered(
            lambda wh: (
                wh != store
                and wh.oms_pickup_point
                and wh.oms_routing_enabled
                and wh not in job.excluded_warehouses
            )
        )
        return candidates.sorted(lambda wh: (_distance_km(store, wh), wh.id))[:limit]

    @api.model
    def _tell_customer_new_store(self, order, old_store, new_store):
        """Tell the customer, by e-mail in their language, where to collect the order now."""
        customer = order.partner_id
        order_lang = order.with_context(lang=customer.lang or self.env.lang)
        ready = order.oms_ready_date
        body = order_lang.env._(
            "Your order %(order)s can no longer be collected at %(old)s. It will be ready "
            "for you at %(new)s%(when)s. We are sorry for the change.",
            order=order.name,
            old=old_store.with_context(lang=customer.lang).display_name,
            new=new_store.with_context(lang=customer.lang).display_name,
            when=order_lang.env._(" on %s", format_date(order_lang.env, ready)) if ready else "",
        )
        order.message_post(
            body=body,
            partner_ids=customer.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    # ------------------------------------------------------------------ carriers

    @api.model
    def _carrier_serves(self, carrier, partner):
        """Whether ``carrier`` delivers to ``partner``'s address, as the router sees it:
        Odoo's own restrictions of the carrier (countries, states, postal prefixes), then its
        transit zones (a zone of the country, or the default transit when it is not -1)."""
        country = partner.country_id
        if not country or not carrier._match_address(partner):
            return False
        postal = (partner.zip or "").replace(" ", "").upper()
        zones = carrier.oms_zone_ids.filtered(lambda z: z.country_id == country)
        if any(
            not zone.postal_prefix or postal.startswith(zone.postal_prefix.replace(" ", "").upper())
            for zone in zones
        ):
            return True
        return carrier.oms_default_transit_days >= 0


def _distance_km(a, b):
    """Great-circle km between two nodes' coordinates (0 when either has none)."""
    if not (a.oms_latitude or a.oms_longitude) or not (b.oms_latitude or b.oms_longitude):
        return 0.0
    lat1, lon1, lat2, lon2 = map(
        math.radians, (a.oms_latitude, a.oms_longitude, b.oms_latitude, b.oms_longitude)
    )
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(h))
