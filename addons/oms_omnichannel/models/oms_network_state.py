"""What a process keeps of a company's network between routings (see ``oms.network``)."""

from collections.abc import Mapping


class NetworkState:
    """A company's network as a process keeps it between routings, at one version.

    ``nodes`` and ``carriers`` hold the engine's view of each warehouse and carrier service,
    prepared once and kept until that record changes; ``networks`` the engine Network per
    sourcing policy, assembled from them. The rest answers the router without reading the
    warehouses again: their node ids, time zones and which have a daily capacity.
    """

    __slots__ = (
        "carrier_ids",
        "carriers",
        "limited_ids",
        "networks",
        "node_ids",
        "node_keys",
        "nodes",
        "timezones",
        "version",
        "warehouse_ids",
    )

    def __init__(self, version):
        self.version = version
        self.node_ids = ()  # warehouse ids, in id order
        self.nodes = {}  # warehouse id -> engine.Node
        self.node_keys = {}  # warehouse id -> node id
        self.warehouse_ids = {}  # node id -> warehouse id
        self.timezones = {}  # warehouse id -> time zone
        self.limited_ids = frozenset()  # warehouses with a daily capacity
        self.carrier_ids = ()
        self.carriers = {}  # carrier id -> engine.CarrierService
        self.networks = {}  # policy id -> engine.Network

    def derive(self, version):
        """A copy at ``version`` sharing the prepared parts (they are never changed in place)."""
        state = NetworkState(version)
        for name in self.__slots__:
            if name != "version":
                value = getattr(self, name)
                setattr(state, name, dict(value) if isinstance(value, dict) else value)
        return state


class NodeWarehouses(Mapping):
    """The network's warehouses by node id, as the router looks them up: a plan names a few
    nodes out of thousands, so a warehouse is browsed when asked for, never all of them.

    The warehouses looked up share one prefetch set, so reading a field of one reads all
    those looked up so far in one query, and none of the others; iterating browses them all.
    """

    __slots__ = ("_ids", "_looked_up", "_warehouses")

    def __init__(self, warehouses, warehouse_ids):
        self._warehouses = warehouses.browse()
        self._ids = warehouse_ids  # node id -> warehouse id
        self._looked_up = []

    def __getitem__(self, node):
        warehouse_id = self._ids[node]
        if warehouse_id not in self._looked_up:
            self._looked_up.append(warehouse_id)
        # Odoo reads the prefetch ids when it fetches, so later look-ups join in.
        return self._warehouses.browse(warehouse_id).with_prefetch(self._looked_up)

    def __iter__(self):
        return iter(self._ids)

    def __len__(self):
        return len(self._ids)

    def values(self):
        return list(self._warehouses.browse(self._ids.values()))

    def items(self):
        return list(zip(self._ids, self.values(), strict=True))
