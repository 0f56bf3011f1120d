# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The arithmetic of ring-fenced stock, without Odoo: what each owning channel holds of one
product at one node, and what a channel may sell there (docs/channel_stock.md).

Pure and deterministic: the Odoo side reads the rules and the free stock, these functions
decide.
"""

import math
from dataclasses import dataclass

# Free stock comes from float sums of quants; 2.9999999 units are 3.
_EPSILON = 1e-6


@dataclass(frozen=True, slots=True)
class Fence:
    """One channel's fence on one product at one node.

    ``priority``: the channel's place in the channel list (sequence, id): when fixed fences
    ask for more than the node has, earlier channels are served first. ``kind``: "quantity"
    (``amount`` units, of which ``consumed`` were already taken by the channel's orders) or
    "percent" (``amount`` percent of the node's free stock). ``shares``: the owner may also
    sell the stock nobody owns.
    """

    channel_id: int
    priority: tuple
    kind: str
    amount: float
    consumed: float = 0.0
    shares: bool = True


def whole_units(qty):
    """Whole units in ``qty`` (never below 0), forgiving float noise."""
    return max(0, math.floor(qty + _EPSILON))


def held_units(fences, free):
    """``{channel id: units}`` each owner holds now of ``free`` units.

    A fixed fence holds what is left of its quantity after the owner's own orders took their
    part; a share holds that percentage of the free units, rounded down (a fence never holds
    part of a unit). Together they never hold more than the free units: served in channel
    order, the last ones get what remains.
    """
    remaining = whole_units(free)
    held = {}
    for fence in sorted(fences, key=lambda f: f.priority):
        if fence.kind == "percent":
            wanted = whole_units(max(free, 0.0) * fence.amount / 100.0)
        else:
            wanted = max(0, whole_units(fence.amount) - math.ceil(fence.consumed - _EPSILON))
        units = min(wanted, remaining)
        remaining -= units
        held[fence.channel_id] = units
    return held


def visible_quantity(channel_id, free, fences, held=None):
    """What ``channel_id`` may sell of ``free`` units before its safety stock.

    Its own fence only, when its fence says it does not sell the shared stock; otherwise the
    free units minus what the other channels hold. Never below 0.
    """
    held = held_units(fences, free) if held is None else held
    own = next((fence for fence in fences if fence.channel_id == channel_id), None)
    if own is not None and not own.shares:
        return float(held.get(channel_id, 0))
    others = sum(units for owner, units in held.items() if owner != channel_id)
    return max(0.0, free - others)
