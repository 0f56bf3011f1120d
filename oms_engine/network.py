"""A network prepared once: validated, indexed, with caches for the per-order hot path.

Routing an order needs, per candidate node, the distance to the destination, the transit days
of each carrier service to the destination zone and the ship and delivery dates. All three
repeat across orders (same postal codes, same day, same cutoff side), so they are computed once
and kept in bounded caches here. The caches only memoise pure functions of the network, so
sharing a Network between calls never changes a result.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib

from oms_engine.errors import InvalidInput
from oms_engine.model import Calendar, CarrierService, Destination, Node, Policy, Product

EARTH_RADIUS_KM = 6371.0088
NODE_KINDS = ("dc", "store", "dropship")
SERVICE_LEVELS = ("standard", "express")
_CACHE_LIMIT = 200_000  # entries per cache; cleared wholesale past it (memory stays bounded)
#: Destinations whose distances are kept. A destination is rarely asked again but within its
#: own order (explanation, shortage reasons) or soon after (a checkout promise, then its
#: order), and every one kept is two objects the garbage collector walks again and again,
#: one of them a list of a slot per node: 20,000 kept made ~80% of the objects it tracked in
#: a 100k-order replay of the benchmark (every order has a destination of its own).
_DISTANCE_CACHE_LIMIT = 256
#: A distance not computed yet (:class:`NodeDistances`).
_UNKNOWN = (-1.0,)
#: Networks of this many nodes or more keep their distances in arrays (:class:`NodeDistances`).
_ARRAY_NODES = 200


#: public holidays per (country, subdivision, year), shared by every calendar and network
_PUBLIC_HOLIDAYS: dict[tuple[str | None, str | None, int], frozenset[date]] = {}


def public_holidays(country: str | None, subdivision: str | None, year: int) -> frozenset[date]:
    """The public holidays of a country (and subdivision) in a year, from the ``holidays``
    package, computed once per process: the nodes of a network mostly share a few countries,
    and asking the package costs about a millisecond each time."""
    key = (country, subdivision, year)
    days = _PUBLIC_HOLIDAYS.get(key)
    if days is None:
        days = frozenset()
        if country:
            found = holidays_lib.country_holidays(country, subdiv=subdivision, years=year)
            days = frozenset(found.keys())
        if len(_PUBLIC_HOLIDAYS) > 4096:
            _PUBLIC_HOLIDAYS.clear()
        _PUBLIC_HOLIDAYS[key] = days
    return days


def _check_holiday_rules(places: list[tuple[str | None, str | None, str, str]]) -> None:
    """Have the holidays package load the rules of every (country, subdivision) the network's
    calendars use, and refuse one it does not know, naming the field. Its first question in
    a process costs ~40 ms, which the first order routed would otherwise pay; nothing is
    computed for any year here. ``places``: (country, subdivision, path of the country, path
    of the subdivision), in the caller's order."""
    asked: set[tuple] = set()
    for country, subdivision, country_path, subdivision_path in places:
        if not country or (country, subdivision) in asked:
            continue
        asked.add((country, subdivision))
        try:
            holidays_lib.country_holidays(country, subdiv=subdivision)
        except Exception:  # the package raises NotImplementedError, or worse for odd input
            if subdivision is not None and _knows_country(country):
                raise InvalidInput(
                    subdivision_path,
                    f"no public holidays known for {country!r} subdivision {subdivision!r}",
                ) from None
            raise InvalidInput(country_path, f"no public holidays known for {country!r}") from None


def _knows_country(country: str) -> bool:
    try:
        holidays_lib.country_holidays(country)
    except Exception:
        return False
    return True


def _calendar_places(given_nodes, given_services) -> list[tuple]:
    """(country, subdivision, country path, subdivision path) of every calendar a network
    builds from these nodes and services (as :class:`Network` builds them)."""
    places = []
    for i, node in enumerate(given_nodes):
        if node.calendar is None:
            places.append((node.country, None, f"nodes[{i}].country", ""))
        else:
            cal = node.calendar
            places.append((cal.country, cal.subdivision, f"nodes[{i}].calendar.country",
                           f"nodes[{i}].calendar.subdivision"))  # fmt: skip
    for i, service in enumerate(given_services):
        cal = service.calendar
        where = f"carrier_services[{i}].calendar"
        if cal.country:
            places.append(
                (cal.country, cal.subdivision, f"{where}.country", f"{where}.subdivision")
            )
        else:  # the holidays of each shipping node's country
            for k, node in enumerate(given_nodes):
                places.append((node.country, cal.subdivision, f"nodes[{k}].country",
                               f"{where}.subdivision"))  # fmt: skip
    return places


class WorkCalendar:
    """Working days of one calendar (weekdays, public holidays of a country, closures)."""

    __slots__ = ("_holiday_years", "_working", "calendar", "country", "subdivision")

    def __init__(self, calendar: Calendar, country: str | None) -> None:
        self.calendar = calendar
        self.country = country
        self.subdivision = calendar.subdivision
        self._holiday_years: dict[int, frozenset[date]] = {}
        self._working: dict[int, bool] = {}

    def _holidays(self, year: int) -> frozenset[date]:
        days = self._holiday_years.get(year)
        if days is None:
            days = self._holiday_years[year] = public_holidays(self.country, self.subdivision, year)
        return days

    def is_working(self, ordinal: int) -> bool:
        """Whether the day (a proleptic Gregorian ordinal) is a working day."""
        working = self._working.get(ordinal)
        if working is None:
            day = date.fromordinal(ordinal)
            working = (
                day.weekday() in self.calendar.working_weekdays
                and day not in self.calendar.closed_dates
                and day not in self._holidays(day.year)
            )
            self._working[ordinal] = working
        return working

    def next_working(self, ordinal: int) -> int:
        """The first working day on or after ``ordinal``."""
        for _ in range(400):
            if self.is_working(ordinal):
                return ordinal
            ordinal += 1
        raise InvalidInput("calendar", "no working day within 400 days")

    def add_working_days(self, ordinal: int, days: int) -> int:
        """The working day ``days`` working days after ``ordinal`` (itself when ``days`` is 0)."""
        for _ in range(days):
            ordinal = self.next_working(ordinal + 1)
        return ordinal


class NodeDistances:
    """Great-circle km from each node to one destination, by node index, computed lazily.

    ``known`` holds the distances computed so far (-1.0 for the others): a hot loop may read
    it and fall back to indexing below 0. From :data:`_ARRAY_NODES` nodes on, an array of
    doubles, not a list: the garbage collector never walks its items (the network keeps a
    few hundred of these, a slot per node each, and its full collections walked them all: a
    third of what they walked at 1,000 nodes); below, a list, whose reads make no float
    object (an array's cost the 50-node first mix 1.3%)."""

    __slots__ = ("_cos_lat", "_lat", "_lon", "_network", "_sin_lat", "known", "walks")

    def __init__(self, network: Network, lat: float, lon: float) -> None:
        self._network = network
        self._lat = math.radians(lat)
        self._lon = math.radians(lon)
        self._sin_lat = math.sin(self._lat)
        self._cos_lat = math.cos(self._lat)
        n = len(network.nodes)
        self.known = array("d", _UNKNOWN) * n if n >= _ARRAY_NODES else [-1.0] * n
        #: option table -> its groups' nodes by bound to here, for the whole-order walk
        #: (:func:`oms_engine.bounds.kept_run`); ``None`` until one is kept
        self.walks: dict | None = None

    def __getitem__(self, ni: int) -> float:
        km = self.known[ni]
        if km < 0.0:
            # Spherical law of cosines: two trigonometric calls; it loses precision below a
            # few km, where haversine takes over.
            sin_n, cos_n, lon_n = self._network._trig[ni]
            cosine = self._sin_lat * sin_n + self._cos_lat * cos_n * math.cos(self._lon - lon_n)
            # clamped into acos's domain as max(-1.0, min(1.0, cosine)) does (the same float,
            # NaN included), without the two builtin calls: every order has a new destination
            cosine = cosine if cosine < 1.0 else 1.0
            cosine = cosine if cosine > -1.0 else -1.0
            km = EARTH_RADIUS_KM * math.acos(cosine)
            if km < 5.0:
                network = self._network
                km = _haversine_km(
                    self._lat, self._lon, network.node_lat_rad[ni], network.node_lon_rad[ni]
                )
            self.known[ni] = km
        return km

    def fill(self, nis: Iterable[int]) -> None:
        """Work out the distances of the nodes ``nis`` not known yet, the same floats as
        indexing gives, in one loop: a large order's bounded path reads those of every
        holder of its lines (~850 stores of a 1,000-store network), where a call per node
        cost a third more."""
        known, trig = self.known, self._network._trig
        sin_lat, cos_lat, lon = self._sin_lat, self._cos_lat, self._lon
        cos, acos = math.cos, math.acos
        for ni in nis:
            if known[ni] < 0.0:
                sin_n, cos_n, lon_n = trig[ni]
                cosine = sin_lat * sin_n + cos_lat * cos_n * cos(lon - lon_n)
                cosine = cosine if cosine < 1.0 else 1.0
                cosine = cosine if cosine > -1.0 else -1.0
                km = EARTH_RADIUS_KM * acos(cosine)
                if km < 5.0:
                    self[ni]  # haversine's
                else:
                    known[ni] = km


class Network:
    """Nodes, carrier services, products and policy, validated and indexed once.

    Treat it as immutable: build a new Network when the master data changes. Route many orders
    against it with :func:`oms_engine.route`.
    """

    __slots__ = (
        "_date_cache",
        "_distance_cache",
        "_prefix_cache",
        "_prefix_len",
        "_time_keys",
        "_time_span",
        "_trig",
        "_tz_by_node",
        "_zone_cache",
        "_zones_by_service",
        "min_shipment_score",
        "node_calendars",
        "node_cos_lat",
        "node_cutoff_minutes",
        "node_date_class",
        "node_index",
        "node_lat_rad",
        "node_lon_rad",
        "nodes",
        "option_pool",
        "policy",
        "products",
        "score_counts",
        "service_calendars",
        "service_cutoff_minutes",
        "services",
        "services_by_level",
        "static_rule",
        "table_keys",
        "tables",
        "tz_cutoffs",
        "tz_group_of_node",
        "tz_zones",
    )

    def __init__(
        self,
        nodes: Iterable[Node],
        carrier_services: Iterable[CarrierService],
        products: Iterable[Product],
        policy: Policy | None = None,
    ) -> None:
        given_nodes = tuple(nodes)
        given_services = tuple(carrier_services)
        # Check in the caller's order so error paths point at the caller's list.
        ids: set[str] = set()
        for i, node in enumerate(given_nodes):
            _check_node(i, node)
            if node.id in ids:
                raise InvalidInput(f"nodes[{i}].id", f"duplicate node id {node.id!r}")
            ids.add(node.id)
        ids = set()
        for i, service in enumerate(given_services):
            _check_service(i, service, ids)
        # Sorted by id: indexes follow ids, so ties between equal scores break on node id.
        self.nodes: tuple[Node, ...] = tuple(sorted(given_nodes, key=lambda n: n.id))
        self.services: tuple[CarrierService, ...] = tuple(
            sorted(given_services, key=lambda s: s.id)
        )
        self.policy: Policy = policy or Policy()
        self.products: dict[str, Product] = {}
        for i, product in enumerate(products):
            if product.sku in self.products:
                raise InvalidInput(f"products[{i}].sku", f"duplicate SKU {product.sku!r}")
            if product.weight_kg < 0:
                raise InvalidInput(f"products[{i}].weight_kg", "must be >= 0")
            self.products[product.sku] = product
        self.node_index: dict[str, int] = {}
        for i, node in enumerate(self.nodes):
            self.node_index[node.id] = i
        for i, node in enumerate(given_nodes):
            _zone_info(i, node)
        self._tz_by_node = tuple(ZoneInfo(n.timezone) for n in self.nodes)
        self.node_cutoff_minutes = tuple(n.cutoff.hour * 60 + n.cutoff.minute for n in self.nodes)
        self.node_lat_rad = tuple(math.radians(n.lat) for n in self.nodes)
        self.node_lon_rad = tuple(math.radians(n.lon) for n in self.nodes)
        self.node_cos_lat = tuple(math.cos(x) for x in self.node_lat_rad)
        self._trig = tuple(
            (math.sin(la), math.cos(la), lo)
            for la, lo in zip(self.node_lat_rad, self.node_lon_rad, strict=True)
        )
        calendars = [n.calendar or Calendar(country=n.country) for n in self.nodes]
        self.node_calendars = tuple(WorkCalendar(c, c.country) for c in calendars)
        # Nodes alike in everything their dates depend on (calendar, handling days, country,
        # cutoff, time zone) share a class: their ship and delivery days are the same for the
        # same service and moment, computed once per class (1,000 stores: a few classes).
        classes: dict[tuple, int] = {}
        date_class = []
        for i, (cal, n) in enumerate(zip(calendars, self.nodes, strict=True)):
            key = (cal, n.handling_days, n.country, n.cutoff, n.timezone)
            try:
                date_class.append(classes.setdefault(key, len(classes)))
            except TypeError:  # a calendar built with a list or set: the node's own class
                date_class.append(classes.setdefault(("node", i), len(classes)))
        self.node_date_class = tuple(date_class)
        self.services_by_level: dict[str, tuple[int, ...]] = {
            level: tuple(i for i, s in enumerate(self.services) if s.service_level == level)
            for level in SERVICE_LEVELS
        }
        zones_by_service = []
        for service in self.services:
            # country -> postal prefix -> transit days; the first zone listed wins a duplicate
            by_country: dict[str, dict[str, int]] = {}
            for zone in service.zones:
                prefixes = by_country.setdefault(zone.country.upper(), {})
                prefixes.setdefault(_norm_postal(zone.postal_prefix), zone.transit_days)
            zones_by_service.append(by_country)
        self._zones_by_service = tuple(zones_by_service)
        self._prefix_len: dict[str, int] = {}
        for by_country in zones_by_service:
            for country_u, prefixes in by_country.items():
                longest = max((len(p) for p in prefixes), default=0)
                self._prefix_len[country_u] = max(self._prefix_len.get(country_u, 0), longest)
        self.service_cutoff_minutes = tuple(
            s.cutoff.hour * 60 + s.cutoff.minute for s in self.services
        )
        # One working calendar per (service, node country): a carrier collecting in Germany
        # keeps German holidays unless its calendar names a country.
        self.service_calendars: dict[tuple[int, str], WorkCalendar] = {}
        for si, service in enumerate(self.services):
            for node in self.nodes:
                key = (si, node.country)
                if key not in self.service_calendars:
                    country = service.calendar.country or node.country
                    self.service_calendars[key] = WorkCalendar(service.calendar, country)
        _check_holiday_rules(_calendar_places(given_nodes, given_services))
        for i, node in enumerate(sorted(self.policy.excluded_nodes)):
            if node not in self.node_index:
                raise InvalidInput(f"policy.excluded_nodes[{i}]", f"unknown node {node!r}")
        w = self.policy.weights
        for name in ("packages", "cost", "lateness", "distance", "priority", "unfulfilled"):
            if getattr(w, name) < 0:
                # every bound of the search assumes score parts never go negative
                raise InvalidInput(f"policy.weights.{name}", "must be >= 0")
        cheapest_package = min((s.cost_per_package for s in self.services), default=0.0)
        #: No shipment's fixed score is below this (a bound of the sourcing search).
        self.min_shipment_score = min(
            (
                w.packages + w.cost * (n.handling_cost + cheapest_package) + w.priority * n.priority
                for n in self.nodes
            ),
            default=0.0,
        )
        self.static_rule: tuple[str | None, ...] = tuple(
            _static_rule(n, self.policy) for n in self.nodes
        )
        # Orders are bucketed by local day and by which cutoffs they beat, per time zone, so
        # every order of a bucket shares the same dates (the key of ``tables``).
        tz_names = sorted({n.timezone for n in self.nodes})
        self.tz_zones = tuple(ZoneInfo(name) for name in tz_names)
        self.tz_group_of_node = tuple(tz_names.index(n.timezone) for n in self.nodes)
        self.tz_cutoffs = tuple(
            tuple(
                sorted(
                    {
                        m
                        for i, m in enumerate(self.node_cutoff_minutes)
                        if self.nodes[i].timezone == name
                    }
                    | set(self.service_cutoff_minutes)
                )
            )
            for name in tz_names
        )
        #: Per-order option tables of the sourcing module, keyed by the transit days of the
        #: service level's services, the level and the time bucket (see oms_engine.options).
        self.tables: dict[tuple, object] = {}
        #: (destination transits, service level) -> the transits of that level's services
        self.table_keys: dict[tuple, tuple] = {}
        #: The shipping options of every table, one object per (service, ship day, delivery
        #: day, handling cost, priority): see oms_engine.options.OptionTable.options
        self.option_pool: dict[tuple, object] = {}
        self._zone_cache: dict[tuple[str, str], tuple[int | None, ...]] = {}
        # one entry per zone prefix actually used: bounded by the zone tables
        self._prefix_cache: dict[tuple[str, str], tuple[int | None, ...]] = {}
        self._distance_cache: dict[tuple, NodeDistances] = {}
        self._date_cache: dict[tuple, int] = {}  # ship days and delivery days
        self._time_keys: dict[float, tuple] = {}  # time_key per UTC minute
        #: (packages, late days, priority, units out) -> the score parts they weigh and those
        #: rounded, a memo of the sourcing module's score (oms_engine.sourcing._score)
        self.score_counts: dict[tuple, tuple] = {}
        #: (from, until, key): the UTC timestamps between which the last key computed holds
        self._time_span: tuple[float, float, tuple] = (0.0, 0.0, ())

    # ------------------------------------------------------------------ zones and distances

    def transit_days(self, country: str, postal_code: str) -> tuple[int | None, ...]:
        """Transit days of every service to a destination (``None``: no zone covers it).

        Longest postal-code prefix wins within the destination country.
        """
        key = (country, postal_code)
        found = self._zone_cache.get(key)
        if found is None:
            country_u = country.upper()
            postal = _norm_postal(postal_code)
            # Codes sharing the longest prefix any zone of the country uses share the answer.
            prefix_key = (country_u, postal[: self._prefix_len.get(country_u, 0)])
            found = self._prefix_cache.get(prefix_key)
            if found is None:
                found = self._prefix_cache[prefix_key] = self._transit_uncached(country_u, postal)
            if len(self._zone_cache) > _CACHE_LIMIT:
                self._zone_cache.clear()
            self._zone_cache[key] = found
        return found

    def _transit_uncached(self, country_u: str, postal: str) -> tuple[int | None, ...]:
        out: list[int | None] = []
        for by_country in self._zones_by_service:
            days = None
            prefixes = by_country.get(country_u)
            if prefixes:
                for length in range(len(postal), -1, -1):
                    days = prefixes.get(postal[:length])
                    if days is not None:
                        break
            out.append(days)
        return tuple(out)

    def distances_km(self, destination: Destination) -> tuple[float, ...] | None:
        """Great-circle distance from every node to the destination, ``None`` if unlocated."""
        found = self.node_distances(destination)
        if found is None:
            return None
        return tuple(found[i] for i in range(len(self.nodes)))

    def node_distances(self, destination: Destination) -> NodeDistances | None:
        """Distances from nodes to the destination, computed per node on first use (an order
        only needs the nodes holding its stock), ``None`` if the destination is unlocated."""
        if destination.lat is None or destination.lon is None:
            return None
        key = (destination.lat, destination.lon)
        found = self._distance_cache.get(key)
        if found is None:
            found = NodeDistances(self, destination.lat, destination.lon)
            if len(self._distance_cache) >= _DISTANCE_CACHE_LIMIT:
                self._distance_cache.clear()
            self._distance_cache[key] = found
        return found

    def distance_between_nodes(self, a: int, b: int) -> float:
        """Great-circle distance between two nodes, in km."""
        node = self.nodes[b]
        return self.distances_km(Destination(node.country, node.postal_code, node.lat, node.lon))[a]

    # ------------------------------------------------------------------ dates

    def time_key(self, moment: datetime) -> tuple[tuple[int, int], ...]:
        """Per time zone of the network: the local day of ``moment`` and how many cutoffs of
        that zone it is past. Orders with the same key get the same ship and delivery dates."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise InvalidInput("order.order_time", "must be timezone-aware")
        stamp = moment.timestamp()
        start, until, found = self._time_span
        if start <= stamp < until:
            return found  # orders come in time order: most fall in the last key's span
        # The key reads local days and minutes only, and zone offsets are whole minutes (since
        # 1972): moments of the same UTC minute share it.
        minute = stamp // 60 if moment.year > 1972 else None
        found = self._time_keys.get(minute) if minute is not None else None
        if found is not None:
            return found
        out = []
        start, until = -math.inf, math.inf
        for zone, cutoffs in zip(self.tz_zones, self.tz_cutoffs, strict=True):
            local = moment.astimezone(zone)
            minute_of_day = local.hour * 60 + local.minute
            passed = bisect_left(cutoffs, minute_of_day)
            out.append((local.toordinal(), passed))
            # The zone's part holds from the minute after the last cutoff passed (or local
            # midnight) until the minute after the next cutoff (or the next midnight).
            first = cutoffs[passed - 1] + 1 if passed else 0
            last = cutoffs[passed] + 1 if passed < len(cutoffs) else 1440
            second = minute_of_day * 60 + local.second + local.microsecond / 1e6
            zone_start = stamp - (second - first * 60)
            zone_until = stamp + (last * 60 - second)
            # Local minutes map to UTC by one offset only if it holds over the whole span (at
            # most a local day): checked at both ends, zones changing offset at most once a day.
            offset = local.utcoffset()
            if (
                datetime.fromtimestamp(zone_start, zone).utcoffset() != offset
                or datetime.fromtimestamp(zone_until - 1, zone).utcoffset() != offset
            ):
                zone_start = zone_until = stamp  # the offset changes within: no span kept
            start = max(start, zone_start)
            until = min(until, zone_until)
        found = tuple(out)
        if start <= stamp < until:
            self._time_span = (start, until, found)
        if minute is not None:
            if len(self._time_keys) > _CACHE_LIMIT // 10:
                self._time_keys.clear()
            self._time_keys[minute] = found
        return found

    def local_moment(self, node_idx: int, moment: datetime) -> tuple[int, int]:
        """The node-local day (ordinal) and minute of day of an aware datetime."""
        local = moment.astimezone(self._tz_by_node[node_idx])
        return local.toordinal(), local.hour * 60 + local.minute

    def ship_and_delivery(
        self, node_idx: int, service_idx: int, day: int, minute: int, transit: int
    ) -> tuple[int, int]:
        """Ship day and delivery day (ordinals) from a node with a service for an order placed
        on node-local ``day`` at ``minute`` (see :meth:`ship_day` and :meth:`deliver_day`)."""
        ship = self.ship_day(node_idx, service_idx, day, minute)
        country = self.nodes[node_idx].country
        return ship, self.deliver_day(service_idx, country, ship, transit)

    def ship_day(self, node_idx: int, service_idx: int, day: int, minute: int) -> int:
        """The day the carrier collects an order placed on node-local ``day`` at ``minute``.

        The node works from the order day if it is a working day and the order came before the
        node's cutoff, else from its next working day; handling days are node working days.
        The carrier collects on the ready day if it is one of its working days (and, for a
        same-day collection, the order came before the carrier's cutoff), else on its next
        working day.
        """
        after_node = minute > self.node_cutoff_minutes[node_idx]
        after_carrier = minute > self.service_cutoff_minutes[service_idx]
        key = (self.node_date_class[node_idx], service_idx, day, after_node, after_carrier)
        ship = self._date_cache.get(key)
        if ship is None:
            node_cal = self.node_calendars[node_idx]
            start = day
            if after_node or not node_cal.is_working(day):
                start = node_cal.next_working(day + 1)
            ready = node_cal.add_working_days(start, self.nodes[node_idx].handling_days)
            carrier_cal = self.service_calendars[(service_idx, self.nodes[node_idx].country)]
            ship = ready
            if not carrier_cal.is_working(ship) or (ship == day and after_carrier):
                ship = carrier_cal.next_working(ship + 1)
            if len(self._date_cache) > _CACHE_LIMIT:
                self._date_cache.clear()
            self._date_cache[key] = ship
        return ship

    def deliver_day(self, service_idx: int, country: str, ship: int, transit: int) -> int:
        """The delivery day: ``transit`` carrier working days after the ship day, with the
        carrier's calendar in the shipping node's country."""
        key = (service_idx, country, ship, transit)
        found = self._date_cache.get(key)
        if found is None:
            carrier_cal = self.service_calendars[(service_idx, country)]
            found = carrier_cal.add_working_days(ship, transit)
            self._date_cache[key] = found
        return found

    def ready_day(self, node_idx: int, day: int, minute: int) -> int:
        """The day a node has an order picked and packed (no carrier involved)."""
        node_cal = self.node_calendars[node_idx]
        start = day
        if minute > self.node_cutoff_minutes[node_idx] or not node_cal.is_working(day):
            start = node_cal.next_working(day + 1)
        return node_cal.add_working_days(start, self.nodes[node_idx].handling_days)


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _static_rule(node: Node, policy: Policy) -> str | None:
    """The rule that rules a node out of shipping to customers whatever the order, if any."""
    if not node.enabled:
        return "node_disabled"
    if node.id in policy.excluded_nodes:
        return "excluded_by_policy"
    if not node.ships_parcels:
        return "does_not_ship_parcels"
    if node.kind == "store" and not node.ship_from_store:
        return "ship_from_store_disabled"
    if node.daily_capacity is not None and node.current_load >= node.daily_capacity:
        return "capacity_reached"
    return None


def _norm_postal(postal: str) -> str:
    return postal.replace(" ", "").replace("-", "").upper()


def _zone_info(i: int, node: Node) -> ZoneInfo:
    try:
        return ZoneInfo(node.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(f"nodes[{i}].timezone", f"unknown time zone {node.timezone!r}") from exc


def _check_node(i: int, node: Node) -> None:
    if not node.id:
        raise InvalidInput(f"nodes[{i}].id", "must not be empty")
    if node.kind not in NODE_KINDS:
        raise InvalidInput(f"nodes[{i}].kind", f"must be one of {', '.join(NODE_KINDS)}")
    if not -90 <= node.lat <= 90:
        raise InvalidInput(f"nodes[{i}].lat", "must be between -90 and 90")
    if not -180 <= node.lon <= 180:
        raise InvalidInput(f"nodes[{i}].lon", "must be between -180 and 180")
    if node.handling_days < 0:
        raise InvalidInput(f"nodes[{i}].handling_days", "must be >= 0")
    if node.daily_capacity is not None and node.daily_capacity < 0:
        raise InvalidInput(f"nodes[{i}].daily_capacity", "must be >= 0")


def _check_service(i: int, service: CarrierService, seen: set[str]) -> None:
    if not service.id:
        raise InvalidInput(f"carrier_services[{i}].id", "must not be empty")
    if service.id in seen:
        raise InvalidInput(f"carrier_services[{i}].id", f"duplicate service id {service.id!r}")
    seen.add(service.id)
    if service.service_level not in SERVICE_LEVELS:
        raise InvalidInput(
            f"carrier_services[{i}].service_level", "must be one of standard, express"
        )
    if service.max_weight_kg <= 0:
        raise InvalidInput(f"carrier_services[{i}].max_weight_kg", "must be > 0")
    for j, zone in enumerate(service.zones):
        if zone.transit_days < 0:
            raise InvalidInput(f"carrier_services[{i}].zones[{j}].transit_days", "must be >= 0")


def day_of(ordinal: int) -> date:
    """The date of a proleptic Gregorian ordinal."""
    return date.fromordinal(ordinal)


def add_days(day: date, days: int) -> date:
    """``day`` plus ``days`` calendar days."""
    return day + timedelta(days=days)
