import logging
from datetime import time

from odoo import api, models, tools

_logger = logging.getLogger(__name__)

try:
    import oms_engine as engine
except ImportError:  # pragma: no cover - the manifest's external dependency says it
    _logger.debug("oms_engine is not installed: routing is unavailable")
    engine = None

ALL_DANGEROUS_CLASSES = frozenset(str(n) for n in range(1, 10))


def _weekdays(days):
    """Working weekdays of a node or carrier; none ticked means Monday to Friday (records that
    existed before the addon was installed have none)."""
    return frozenset(days.mapped("number")) or frozenset(range(5))


def _float_to_time(hours):
    hours = min(max(hours or 0.0, 0.0), 23.999)
    minutes = round(hours * 60)
    return time(min(minutes // 60, 23), minutes % 60 if minutes < 24 * 60 else 59)


class OmsNetwork(models.AbstractModel):
    """The engine's view of a company's fulfilment network, built from Odoo records.

    Building it reads every node and carrier and prepares the engine's indexes and holiday
    calendars, so it is cached per company and policy in Odoo's registry cache. Writes on
    nodes, carriers, zones and policies clear that cache - in every worker, through the
    registry's invalidation signal.
    """

    _name = "oms.network"
    _description = "Fulfilment Network (engine snapshot)"

    # ------------------------------------------------------------------ cache

    @api.model
    def _get_network(self, company, policy):
        """The prepared engine Network of ``company`` under ``policy``."""
        return self._get_network_cached(company.id, policy.id)

    @tools.ormcache("company_id", "policy_id")
    def _get_network_cached(self, company_id, policy_id):
        company = self.env["res.company"].browse(company_id)
        policy = self.env["oms.sourcing.policy"].browse(policy_id)
        return self.sudo()._build_network(company, policy)

    @api.model
    def _get_timezone(self, warehouse):
        """The node's time zone as the cached network has it - the engine computed the plan's
        dates in it - without reading the node's address on every routing."""
        cached = self._get_timezones_cached(warehouse.company_id.id).get(warehouse.id)
        return cached or warehouse._oms_timezone()

    @tools.ormcache("company_id")
    def _get_timezones_cached(self, company_id):
        company = self.env["res.company"].browse(company_id)
        return {node.id: node._oms_timezone() for node in self.sudo()._get_nodes(company)}

    @api.model
    def _invalidate(self):
        """Forget every prepared network (master data changed)."""
        self.env.registry.clear_cache()

    # ------------------------------------------------------------------ building

    @api.model
    def _build_network(self, company, policy):
        nodes = self._get_nodes(company)
        carriers = self._get_carriers(company)
        return engine.Network(
            [self._prepare_node(node) for node in nodes],
            [self._prepare_carrier_service(carrier) for carrier in carriers],
            [],  # products are added per order: see _ensure_products
            self._prepare_policy(policy, nodes),
        )

    @api.model
    def _get_nodes(self, company):
        """Every warehouse of the company is a node; switched-off ones stay in the network
        (disabled) so the explanation can say why they were not used.

        Cached with the networks: creating, archiving, moving or deleting a warehouse clears
        the cache (oms.network.data.mixin), so every routing need not search them again."""
        return self.env["stock.warehouse"].browse(self._get_node_ids_cached(company.id))

    @tools.ormcache("company_id")
    def _get_node_ids_cached(self, company_id):
        return tuple(
            self.env["stock.warehouse"]
            .sudo()
            .with_context(active_test=True)
            .search([("company_id", "=", company_id)], order="id")
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
