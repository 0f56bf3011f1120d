"""oms_engine: pure-Python sourcing, promise, risk, return and delay decisions.

Prepare a :class:`Network` once, then route many orders against a stock mapping that the caller
depletes between orders::

    network = Network(nodes, carrier_services, products, policy)
    plan = route(network, order, stock)
    deplete(stock, plan)

No I/O, no globals, deterministic: the same input gives the same plan.
"""

from __future__ import annotations

from oms_engine.errors import EngineError, InvalidInput
from oms_engine.model import (
    Budget,
    Calendar,
    CarrierService,
    Destination,
    Exclusion,
    Explanation,
    Node,
    Order,
    OrderLine,
    Plan,
    Policy,
    Product,
    Promise,
    RunnerUp,
    Score,
    Shipment,
    Stock,
    Unfulfilled,
    Weights,
    Zone,
)
from oms_engine.network import Network
from oms_engine.sourcing import deplete, promise, route, stock_from_rows

__all__ = [
    "Budget",
    "Calendar",
    "CarrierService",
    "Destination",
    "EngineError",
    "Exclusion",
    "Explanation",
    "InvalidInput",
    "Network",
    "Node",
    "Order",
    "OrderLine",
    "Plan",
    "Policy",
    "Product",
    "Promise",
    "RunnerUp",
    "Score",
    "Shipment",
    "Stock",
    "Unfulfilled",
    "Weights",
    "Zone",
    "deplete",
    "promise",
    "route",
    "stock_from_rows",
]

# The decision modules beside routing (docs/engine_policies.md): risk check, delay detection,
# compensation, return routing and disposition, replenishment proposals.
from oms_engine.compensation import (
    CompensationDecision,
    CompensationOrder,
    CompensationPolicy,
    Delay,
    Grant,
    VoucherTier,
    compensate,
)
from oms_engine.delay import DelayPolicy, DelayVerdict, DeliveryFacts, detect_delay
from oms_engine.disposition import (
    DispositionDecision,
    DispositionTerms,
    InspectedItem,
    decide_disposition,
)
from oms_engine.replenishment import (
    DemandSeen,
    ReplenishmentPlan,
    ReplenishmentPolicy,
    demand_from_orders,
    propose_replenishment,
)
from oms_engine.replenishment_replay import Replay, measure_proposals
from oms_engine.returns import MailReturnDecision, route_mail_return
from oms_engine.returns_model import Outlook, ReturnItem, ReturnNode, ReturnPolicy
from oms_engine.returns_store import StoreReturnDecision, route_store_return
from oms_engine.risk import (
    RiskAssessment,
    RiskFacts,
    RiskPolicy,
    assess,
    check_risk_policy,
    with_external_score,
)
from oms_engine.wording import Reason

__all__ += [
    "CompensationDecision",
    "CompensationOrder",
    "CompensationPolicy",
    "Delay",
    "DelayPolicy",
    "DelayVerdict",
    "DeliveryFacts",
    "DemandSeen",
    "DispositionDecision",
    "DispositionTerms",
    "Grant",
    "InspectedItem",
    "MailReturnDecision",
    "Outlook",
    "Reason",
    "Replay",
    "ReplenishmentPlan",
    "ReplenishmentPolicy",
    "ReturnItem",
    "ReturnNode",
    "ReturnPolicy",
    "RiskAssessment",
    "RiskFacts",
    "RiskPolicy",
    "StoreReturnDecision",
    "VoucherTier",
    "assess",
    "check_risk_policy",
    "compensate",
    "decide_disposition",
    "demand_from_orders",
    "detect_delay",
    "measure_proposals",
    "propose_replenishment",
    "route_mail_return",
    "route_store_return",
    "with_external_score",
]
