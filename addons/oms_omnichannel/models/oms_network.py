import logging
from datetime import time

from odoo import api, models

from .oms_network_state import NetworkState, NodeWarehouses

_logger = logging.getLogger(__name__)

try:
    import oms_engine as engine
except ImportError:  # pragma: no cover - the manifest's external dependency says it
    _logger.debug("oms_engine is not installed: routing is unavailable")
    engine = None

ALL_DANGEROUS_CLASSES = frozenset(str(n) for n in range(1, 10))
# The states built by a transaction that changed the network (cursor data Odoo clears at
# commit and rollback).
LOCAL_KEY = "oms_omnichannel.network"


def _weekdays(days):
    """Working weekdays of a node or carrier; none ticked means Monday to Friday (records that
    existed before the addon was installed have none)."""
    return frozenset(days.mapped("number")) or frozenset(range(5))


def _all_nodes(warehouses, state):
    """Whether ``warehouses`` are the network's nodes, as ``_get_nodes`` browsed them: then
    the state answers without going through a thousand ids."""
    # The recordset keeps the very tuple it was browsed with.
    return warehouses._ids is state.node_ids


def _float_to_time(hours):
    hours = min(max(hours or 0.0, 0.0), 23.999)
    minutes = round(hours * 60)
    return time(min(minutes // 60, 23), minutes % 60 if minutes < 24 * 60 else 59)


class OmsNetwork(models.AbstractModel):
    """The engine's view of a company's fulfilment network, built from Odoo records.

    Building it reads every node and carrier and prepares the engine's indexes and holiday
    calendars, so each process keeps it per company (``NetworkState``), at the company's
    network version. Changing a node, carrier, zone, policy or a node's address records which
    record changed and bumps the version of the companies concerned, in the same
    transaction; every process then re-prepares only the records that changed since the
    version it holds, at its next routing for that company. Nothing else of Odoo's caches is
    touched.
    """

    _name = "oms.network"
    _description = "Fulfilment Network (engine snapshot)"

    # ------------------------------------------------------------------ what the router asks

    @api.model
    def _get_network(self, company, policy):
        """The prepared engine Network of ``company`` under ``policy``."""
        state = self._get_state(company)
        network = state.networks.get(policy.id)
        if network is None:
            network = state.networks[policy.id] = self.sudo()._build_network(company, policy)
        return network

    @api.model
    def _get_nodes(self, company):
        """Every warehouse of the company is a node; switched-off ones stay in the network
        (disabled) so the explanation can say why they were not used."""
        return self.env["stock.warehouse"].browse(self._get_state(company).node_ids)

    @api.model
    def _get_timezone(self, warehouse):
        """The node's time zone as the network has it - the engine computed the plan's dates
        in it - without reading the node's address on every routing."""
        cached = self._get_state(self.env.company).timezones.get(warehouse.id)
        return cached or warehouse._oms_timezone()

    @api.model
    def _get_node_keys(self, warehouses):
        """``{warehouse id: node id}`` of ``warehouses`` (and maybe others; read only)."""
        state = self._get_state(self.env.company)
        keys = state.node_keys
        if _all_nodes(warehouses, state):
            return keys
        missing = [wh_id for wh_id in warehouses.ids if wh_id not in keys]
        if not missing:
            return keys
        keys = dict(keys)
        for warehouse in warehouses.browse(missing):
            keys[warehouse.id] = self._node_id(warehouse)
        return keys

    @api.model
    def _get_warehouse_by_node(self, warehouses):
        """``{node id: warehouse}`` of ``warehouses``, browsing only what is looked up."""
        state = self._get_state(self.env.company)
        if _all_nodes(warehouses, state):
            return NodeWarehouses(warehouses, state.warehouse_ids)
        return NodeWarehouses(warehouses, {self._node_id(wh): wh.id for wh in warehouses})

    @api.model
    def _get_capacity_limited(self, warehouses):
        """The warehouses of ``warehouses`` with a daily capacity."""
        state = self._get_state(self.env.company)
        if _all_nodes(warehouses, state):
            return warehouses.browse(sorted(state.limited_ids))
        return warehouses.browse([wh_id for wh_id in warehouses.ids if wh_id in state.limited_ids])

    # ------------------------------------------------------------------ the state per company

    @api.model
    def _get_state(self, company):
        """The company's ``NetworkState`` at its current version.

        Kept per process; a transaction that changed the network itself keeps its own until
        it ends (it sees data nobody else does yet).
        """
        version = company.sudo().oms_network_version
        cr = self.env.cr
        local = cr.postcommit.data.get(LOCAL_KEY, {})
        state = local.get(company.id)
        if state is not None and state.version == version:
            return state
        store = self._get_store()
        kept = store.get(company.id)
        if kept is not None and kept.version == version:
            return kept
        # Another process (or this transaction) changed the network since: update what it
        # changed on the state kept, or build it all.
        if kept is not None and kept.version < version:
            state = self._update_state(company, kept, version)
        else:
            state = self._build_state(company, version)
        if self.env["oms.network.version"]._is_dirty(company):
            # Replaced, not updated: a test's savepoint restores the cursor data it saved.
            cr.postcommit.data[LOCAL_KEY] = {**local, company.id: state}
        else:
            current = store.get(company.id)
            if current is None or current.version < version:
                store[company.id] = state
        return state

    @api.model
    def _get_store(self):
        # One per registry: a new registry (module update) starts empty.
        registry = self.env.registry
        store = getattr(registry, "_oms_network_states", None)
        if store is None:
            store = registry._oms_network_states = {}
        return store

    @api.model
    def _build_state(self, company, version):
        network = self.sudo().with_company(company)
        state = NetworkState(version)
        state.node_ids = network._search_node_ids(company)
        network._prepare_nodes(state, network.env["stock.warehouse"].browse(state.node_ids))
        carriers = network._get_carriers(company)
        state.carrier_ids = tuple(carriers.ids)
        network._prepare_carriers(state, carriers)
        return state

    @api.model
    def _update_state(self, company, kept, version):
        changes = self.env["oms.network.version"]._read(company, kept.version)
        if "res.company" in changes:
            return self._build_state(company, version)
        network = self.sudo().with_company(company)
        state = kept.derive(version)
        if "stock.warehouse" in changes:
            state.node_ids = network._search_node_ids(company)
            ids = set(state.node_ids)
            for wh_id in set(kept.node_ids) - ids:
                state.nodes.pop(wh_id, None)
                state.timezones.pop(wh_id, None)
                state.warehouse_ids.pop(state.node_keys.pop(wh_id, None), None)
            todo = (changes["stock.warehouse"] & ids) | (ids - set(kept.node_ids))
            network._prepare_nodes(state, network.env["stock.warehouse"].browse(sorted(todo)))
            state.limited_ids = frozenset(state.limited_ids & ids)
        if "delivery.carrier" in changes:
            state.carrier_ids = tuple(network._get_carriers(company).ids)
            for carrier_id in set(state.carriers) - set(state.carrier_ids):
                del state.carriers[carrier_id]
            todo = (changes["delivery.carrier"] & set(state.carrier_ids)) | (
                set(state.carrier_ids) - set(kept.carrier_ids)
            )
            network._prepare_carriers(state, network.env["delivery.carrier"].browse(sorted(todo)))
        if (state.node_ids, state.nodes, state.carrier_ids, state.carriers) != (
            kept.node_ids,
            kept.nodes,
            kept.carrier_ids,
            kept.carriers,
        ):
            # The engine sees something new (a field it does not read keeps its network).
            state.networks = {}
        for policy_id in changes.get("oms.sourcing.policy", ()):
            state.networks.pop(policy_id, None)
        return state

    @api.model
    def _prepare_nodes(self, state, warehouses):
        self._fetch_node_fields(warehouses)
        limited = set(state.limited_ids)
        for warehouse in warehouses:
            node = self._prepare_node(warehouse)
            old = state.node_keys.get(warehouse.id)
            if old is not None and old != node.id:
                state.warehouse_ids.pop(old, None)
            state.nodes[warehouse.id] = node
            state.node_keys[warehouse.id] = node.id
            state.warehouse_ids[node.id] = warehouse.id
            state.timezones[warehouse.id] = node.timezone
            if warehouse.oms_daily_capacity:
                limited.add(warehouse.id)
            else:
                limited.discard(warehouse.id)
        state.limited_ids = frozenset(limited)

    @api.model
    def _fetch_node_fields(self, warehouses):
        """Read what ``_prepare_node`` reads, and only that, for all ``warehouses`` at once:
        reading a field of a warehouse otherwise loads every column of it and its address."""
        fields = [
            name
            for name in warehouses._fields
            if name.startswith("oms_") and warehouses._fields[name].store
        ]
        warehouses.fetch([*fields, "code", "partner_id", "company_id"])
        warehouses.partner_id.fetch(["zip", "tz"])
        warehouses.company_id.partner_id.fetch(["tz"])
        warehouses.oms_country_id.fetch(["code"])
        warehouses.oms_working_day_ids.fetch(["number"])

    @api.model
    def _prepare_carriers(self, state, carriers):
        for carrier in carriers:
            state.carriers[carrier.id] = self._prepare_carrier_service(carrier)

    # ------------------------------------------------------------------ invalidation

    @api.model
    def _invalidate(self):
        """Forget every prepared network, of every company, in every process."""
        versions = self.env["oms.network.version"]
        versions._record(versions._everything())
        self._get_store().clear()

    @api.model
    def _invalidate_records(self, records):
        """``records`` (nodes, carriers, zones, policies, addresses) changed: forget what
        the networks prepared from them, and only that."""
        versions = self.env["oms.network.version"]
        versions._record(versions._changes_of(records))

    # ------------------------------------------------------------------ building

    @api.model
    def _build_network(self, company, policy):
        """The engine Network of ``company`` under ``policy``, from the prepared nodes and
        carrier services of its state."""
        state = self._get_state(company)
        return engine.Network(
            [state.nodes[wh_id] for wh_id in state.node_ids],
            [state.carriers[carrier_id] for carrier_id in state.carrier_ids],
            [],  # products are added per order: see _ensure_products
            self._prepare_policy(policy, self._get_nodes(company)),
        )

    @api.model
    def _search_node_ids(self, company):
        return tuple(
            self.env["stock.warehouse"]
            .sudo()
            .with_context(active_test=True)
            .search([("company_id", "=", company.id)], order="id")
            .ids
        )

    @api.model
    def _get_carriers(self, company):
        return self.env["delivery.carrier"].search(
            [
                ("oms_routing_enabled", "=", True),
                ("company_id", "in", (company.id, False)),
                ("delivery_type", "in", self._get_routable_delivery_types()),
            ],
            order="id",
        )

    @api.model
    def _get_routable_delivery_types(self):
        # Pickup-in-store carriers of other addons are not parcel services.
        selection = self.env["delivery.carrier"]._fields["delivery_type"].get_values(self.env)
        return [value for value in selection if value != "in_store"]

    @api.model
    def _node_id(self, warehouse):
        return warehouse.code

    @api.model
    def _service_id(self, carrier):
        return str(carrier.id)

    @api.model
    def _sku(self, product):
        return str(product.id)

    @api.model
    def _prepare_node(self, warehouse):
        country = (warehouse.oms_country_id.code or "").upper()
        timezone = warehouse._oms_timezone()
        return engine.Node(
            id=self._node_id(warehouse),
            kind=warehouse.oms_node_kind,
            lat=warehouse.oms_latitude or 0.0,
            lon=warehouse.oms_longitude or 0.0,
            country=country,
            postal_code=warehouse.partner_id.zip or "",
            timezone=timezone,
            ships_parcels=warehouse.oms_ships_parcels,
            pickup_point=warehouse.oms_pickup_point,
            ship_from_store=warehouse.oms_ship_from_store,
            dangerous_goods_certified=warehouse.oms_dangerous_certified,
            bulky_allowed=warehouse.oms_bulky_allowed,
            daily_capacity=warehouse.oms_daily_capacity or None,
            handling_cost=warehouse.oms_handling_cost,
            handling_days=warehouse.oms_handling_days,
            cutoff=_float_to_time(warehouse.oms_cutoff_hour),
            calendar=engine.Calendar(
                country=country or None,
                working_weekdays=_weekdays(warehouse.oms_working_day_ids),
            ),
            enabled=warehouse.oms_routing_enabled,
            priority=max(warehouse.oms_priority, 0),
        )

    @api.model
    def _prepare_carrier_service(self, carrier):
        zones = [
            engine.Zone(
                country=zone.country_id.code,
                postal_prefix=zone.postal_prefix or "",
                transit_days=zone.transit_days,
            )
            for zone in carrier.oms_zone_ids
        ]
        if carrier.oms_default_transit_days >= 0:
            # The default transit covers the countries the zones do not cover as a whole:
            # Odoo's own country restriction of the carrier, else every country.
            whole = {zone.country for zone in zones if not zone.postal_prefix}
            countries = carrier.country_ids or self.env["res.country"].search([])
            zones += [
                engine.Zone(country=code, transit_days=carrier.oms_default_transit_days)
                for code in sorted(set(countries.mapped("code")) - whole)
            ]
        return engine.CarrierService(
            id=self._service_id(carrier),
            carrier=carrier.name,
            service_level=carrier.oms_service_level,
            zones=tuple(zones),
            cost_per_package=carrier.oms_cost_per_package,
            cost_per_kg=carrier.oms_cost_per_kg,
            max_weight_kg=carrier.max_weight if carrier.max_weight > 0 else 31.5,
            cutoff=_float_to_time(carrier.oms_cutoff_hour),
            calendar=engine.Calendar(working_weekdays=_weekdays(carrier.oms_working_day_ids)),
            accepts_dangerous=ALL_DANGEROUS_CLASSES
            if carrier.oms_accepts_dangerous
            else frozenset(),
            accepts_bulky=carrier.oms_accepts_bulky,
        )

    @api.model
    def _prepare_policy(self, policy, nodes):
        excluded = policy.excluded_warehouse_ids & nodes
        return engine.Policy(
            weights=engine.Weights(
                packages=policy.weight_package,
                cost=policy.weight_cost,
                lateness=policy.weight_lateness,
                distance=policy.weight_distance / 100.0,
                priority=policy.weight_priority,
            ),
            max_packages=policy.max_packages or None,
            max_bulky_distance_km=policy.max_bulky_distance_km or None,
            excluded_nodes=frozenset(self._node_id(wh) for wh in excluded),
        )

    @api.model
    def _prepare_product(self, product):
        return engine.Product(
            sku=self._sku(product),
            weight_kg=product.weight or 0.0,
            dangerous_class=product.oms_dangerous_class or None,
            bulky=product.oms_is_bulky,
        )

    @api.model
    def _ensure_products(self, network, products):
        """Put the current facts of ``products`` into the network before routing with it.

        Product facts change more often than the network and the catalogue can be large, so
        the cached network does not carry them all: each routing sets the few it needs. The
        values are pure data; routings sharing the network only ever see current facts.
        """
        for product in products:
            network.products[self._sku(product)] = self._prepare_product(product)
