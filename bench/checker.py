"""An independent checker of plans against the hard rules, written from the raw inputs.

It shares no code with the engine's search nor with the MILP's lane table: zones are matched,
distances computed and rules applied here again, so a rule the engine gets wrong shows up as a
violation rather than agreeing with itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from oms_engine import Order, Plan

EARTH_KM = 6371.0088


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


class PlanChecker:
    """Validates one plan at a time; ``check`` returns the list of broken rules (empty: ok)."""

    def __init__(self, nodes, services, products, policy) -> None:
        self.nodes = {n.id: n for n in nodes}
        self.services = {s.id: s for s in services}
        self.products = {p.sku: p for p in products}
        self.policy = policy

    def _covers(self, service, country: str, postal: str) -> bool:
        postal = postal.replace(" ", "").replace("-", "").upper()
        return any(
            z.country.upper() == country.upper() and postal.startswith(z.postal_prefix)
            for z in service.zones
        )

    def check(
        self,
        order: Order,
        plan: Plan,
        stock: Mapping[str, Mapping[str, float]],
        full_nodes: frozenset[str] = frozenset(),
    ) -> list[str]:
        """Broken rules of ``plan`` for ``order`` against ``stock`` as it was before the plan.

        ``full_nodes``: nodes that had reached their daily capacity when the order came.
        """
        broken: list[str] = []
        policy = self.policy
        dest = order.destination
        ordered: dict[str, int] = {}
        for line in order.lines:
            ordered[line.sku] = ordered.get(line.sku, 0) + line.quantity
        shipped: dict[str, int] = {}
        taken: dict[tuple[str, str], int] = {}
        for s in plan.shipments:
            node = self.nodes.get(s.node)
            service = self.services.get(s.carrier_service)
            if node is None or service is None:
                broken.append(f"unknown node or service {s.node}/{s.carrier_service}")
                continue
            if not node.enabled or not node.ships_parcels:
                broken.append(f"{node.id} may not ship")
            if node.kind == "store" and not node.ship_from_store:
                broken.append(f"{node.id} does not ship from store")
            if node.id in policy.excluded_nodes or node.id in order.excluded_nodes:
                broken.append(f"{node.id} is excluded")
            if node.id in full_nodes:
                broken.append(f"{node.id} over daily capacity")
            if service.service_level != order.service_level:
                broken.append(f"{service.id} is not {order.service_level}")
            if not self._covers(service, dest.country, dest.postal_code):
                broken.append(f"{service.id} does not serve {dest.postal_code}")
            if service.origin_countries and node.country not in service.origin_countries:
                broken.append(f"{service.id} does not collect in {node.country}")
            located = dest.lat is not None and dest.lon is not None
            km = _km(node.lat, node.lon, dest.lat, dest.lon) if located else None
            weight = 0.0
            for line in s.lines:
                product = self.products.get(line.sku)
                if product is None or line.quantity <= 0:
                    broken.append(f"bad line {line}")
                    continue
                shipped[line.sku] = shipped.get(line.sku, 0) + line.quantity
                key = (line.sku, node.id)
                taken[key] = taken.get(key, 0) + line.quantity
                weight += line.quantity * product.weight_kg
                if product.dangerous_class is not None:
                    if not node.dangerous_goods_certified:
                        broken.append(f"dangerous {line.sku} from uncertified {node.id}")
                    if product.dangerous_class not in service.accepts_dangerous:
                        broken.append(f"dangerous {line.sku} with {service.id}")
                if product.bulky:
                    if not node.bulky_allowed or not service.accepts_bulky:
                        broken.append(f"bulky {line.sku} from {node.id} with {service.id}")
                    limit = policy.max_bulky_distance_km
                    if limit is not None and (km is None or km > limit + 1e-6):
                        broken.append(f"bulky {line.sku} beyond {limit} km")
            if s.packages < max(1, math.ceil(weight / service.max_weight_kg - 1e-9)):
                broken.append(f"{s.packages} packages for {weight:.1f} kg with {service.id}")
        for (sku, node_id), qty in taken.items():
            if qty > stock.get(sku, {}).get(node_id, 0) + 1e-9:
                broken.append(f"{qty} x {sku} from {node_id} above its stock")
        short: dict[str, int] = {}
        for u in plan.unfulfilled:
            short[u.sku] = short.get(u.sku, 0) + u.quantity
            if not u.reason:
                broken.append(f"unfulfilled {u.sku} without a reason")
        for sku, qty in ordered.items():
            if shipped.get(sku, 0) + short.get(sku, 0) != qty:
                broken.append(f"{sku}: {shipped.get(sku, 0)} shipped + {short.get(sku, 0)} short")
        if not order.allow_split and len(plan.shipments) > 1:
            broken.append("split although the order forbids it")
        if policy.max_packages is not None:
            packages = sum(s.packages for s in plan.shipments)
            if packages > policy.max_packages:
                broken.append(f"{packages} packages above the policy's {policy.max_packages}")
        return broken
