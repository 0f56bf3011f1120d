"""What the checkout endpoints do, behind the thin router: availability, promise, holds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from oms_engine import Destination as EngineDestination
from oms_engine import OrderLine, promise
from sync_service.checkout import exceptions as exc
from sync_service.checkout import schemas as s
from sync_service.checkout.config import CheckoutSettings
from sync_service.checkout.geo import haversine_km, normalise_postal_code, shared_prefix
from sync_service.checkout.metrics import RESERVATIONS
from sync_service.checkout.network import NetworkCache
from sync_service.checkout.reservations import (
    CheckoutStore,
    Hold,
    HoldLine,
    channel_of,
    new_reservation_id,
)


def _merge(lines: Sequence[s.CartLine]) -> dict[str, int]:
    """Quantities per SKU, first-seen order (a cart may list a SKU twice)."""
    merged: dict[str, int] = {}
    for line in lines:
        merged[line.sku] = merged.get(line.sku, 0) + line.quantity
    return merged


def _unknown(figures: dict, skus: Sequence[str]) -> None:
    unknown = [sku for sku in skus if figures.get(sku) is None]
    if unknown:
        raise exc.UnknownSku(
            f"unknown SKU for this channel: {', '.join(unknown)}", field="lines", skus=unknown
        )


def reservation_view(hold: Hold) -> dict:
    """The body of ``schemas.Reservation`` (a plain dict: reserving is a hot path)."""
    expires = datetime.fromtimestamp(hold.expires_ms / 1000, timezone.utc)
    return {
        "reservation_id": hold.reservation_id,
        "channel": hold.channel,
        "state": hold.state,
        "expires_at": expires.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "lines": [{"sku": x.sku, "quantity": x.quantity, "store": x.node or None}
                  for x in hold.lines],
        "order_ref": hold.order_ref,
    }  # fmt: skip


class CheckoutService:
    def __init__(
        self, store: CheckoutStore, settings: CheckoutSettings, networks: NetworkCache | None
    ) -> None:
        self.store = store
        self.settings = settings
        self.networks = networks

    # ------------------------------------------------------------- availability

    # The two hot paths (every product and listing page, every cart view) answer plain dicts
    # in the shape of their response models: 100 pydantic objects per listing cost more
    # than the Redis call. The router serialises them with orjson.

    async def listing(self, channel: str, skus: Sequence[str], stores: bool = False) -> dict:
        """The body of ``schemas.ListingAvailability``; with ``stores``, per SKU the number of
        pickup stores that can hand over at least one unit now."""
        skus = list(dict.fromkeys(skus))
        if not 1 <= len(skus) <= self.settings.max_listing_skus:
            raise exc.InvalidRequest(
                f"ask for 1 to {self.settings.max_listing_skus} SKUs", field="sku"
            )
        if stores:
            snapshot = await self._network(channel)
            pickup = [n.id for n in snapshot.nodes.values() if n.pickup_point and n.enabled]
            figures = await self.store.stores_in_stock(channel, skus, pickup)
            units = {sku: None if f is None else f[0].available for sku, f in figures.items()}
        else:
            units = await self.store.available(channel, skus)
        known, unknown = [], []
        for sku in skus:
            available = units[sku]
            if available is None:
                unknown.append(sku)
                continue
            item = {"sku": sku, "available": available, "in_stock": available > 0}
            if stores:
                item["stores_in_stock"] = figures[sku][1]
            known.append(item)
        if not known:
            raise exc.UnknownSku(f"unknown SKU for this channel: {', '.join(skus)}", skus=skus)
        return {"channel": channel, "skus": known, "unknown": unknown}

    async def cart(self, channel: str, lines: Sequence[s.CartLine]) -> dict:
        """The body of ``schemas.CartAvailability``."""
        wanted = _merge(lines)
        units = await self.store.available(channel, list(wanted))
        _unknown(units, list(wanted))
        out = []
        for sku, qty in wanted.items():
            available = units[sku]
            out.append({"sku": sku, "requested": qty, "available": available,
                        "ok": available >= qty})  # fmt: skip
        return {"channel": channel, "available": all(x["ok"] for x in out), "lines": out}

    async def pickup(self, channel: str, request: s.PickupRequest) -> dict:
        """The body of ``schemas.PickupAvailability``: stores able to hand over the cart,
        nearest first (then by code); line details only for the stores answered."""
        near = request.near
        postal = None
        if near and near.postal_code:
            postal = normalise_postal_code(near.country, near.postal_code, "near.postal_code")
        wanted = _merge(request.lines)
        figures = await self.store.read(channel, list(wanted), mode="nodes")
        _unknown(figures, list(wanted))
        snapshot = await self._network(channel)
        per_sku = [(sku, qty, figures[sku].nodes) for sku, qty in wanted.items()]
        by_coordinates = near is not None and near.lat is not None and near.lon is not None
        ranked = []
        for node in snapshot.nodes.values():
            if not (node.pickup_point and node.enabled):
                continue
            available = all(nodes.get(node.id, 0) >= qty for _sku, qty, nodes in per_sku)
            if request.only_available and not available:
                continue
            distance = None
            if by_coordinates:
                distance = round(haversine_km(near.lat, near.lon, node.lat, node.lon), 1)
                rank = (distance,)
            elif postal:
                same_country = node.country.upper() == near.country.upper()
                rank = (not same_country, -shared_prefix(postal, node.postal_code.upper()))
            else:
                rank = ()
            ranked.append(((not available, *rank, node.id), node, available, distance))
        ranked.sort(key=lambda row: row[0])
        stores = []
        for _rank, node, available, distance in ranked[: request.limit]:
            lines = []
            for sku, qty, nodes in per_sku:
                have = nodes.get(node.id, 0)
                lines.append({"sku": sku, "requested": qty, "available": have, "ok": have >= qty})
            stores.append({"store": node.id, "available": available, "lines": lines,
                           "distance_km": distance, "postal_code": node.postal_code})  # fmt: skip
        return {
            "channel": channel,
            "stores_available": sum(1 for row in ranked if row[2]),
            "stores": stores,
        }

    # ------------------------------------------------------------- promise

    async def _network(self, channel: str):
        if self.networks is None:
            raise exc.NetworkUnavailable("no network source is configured for promises")
        return await self.networks.get(channel)

    async def promise(self, channel: str, request: s.PromiseRequest) -> s.PromiseResponse:
        dest = request.destination
        postal = normalise_postal_code(dest.country, dest.postal_code, "destination.postal_code")
        wanted = _merge(request.lines)
        figures = await self.store.read(channel, list(wanted), mode="nodes")
        _unknown(figures, list(wanted))
        snapshot = await self._network(channel)
        # Channel-wide holds are charged to the nodes routing prefers first (DCs, then by
        # priority), the nodes earlier orders most likely took them from.
        preference = [
            n.id for n in sorted(snapshot.nodes.values(),
                                 key=lambda n: (n.kind != "dc", n.priority, n.id))
        ]  # fmt: skip
        stock = {sku: figures[sku].allocated(preference) for sku in wanted}
        at = request.at or datetime.fromtimestamp(self.store.clock() / 1000, timezone.utc)
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        destination = EngineDestination(dest.country.upper(), postal, dest.lat, dest.lon)
        lines = [OrderLine(sku, qty) for sku, qty in wanted.items()]
        promises = []
        for level in dict.fromkeys(request.service_levels):
            result = promise(snapshot.network, lines, destination, at, stock, level)
            deliveries = [x for x in result.shipments if x.kind == "delivery"]
            promises.append(
                s.ServicePromise(
                    service_level=level,
                    status=result.status,
                    delivery_date=result.delivery_date,
                    splits=len(deliveries) > 1,
                    shipments=len(deliveries),
                    unfulfilled=[
                        s.UnfulfilledLine(sku=u.sku, quantity=u.quantity, reason=u.reason)
                        for u in result.unfulfilled
                    ],
                )
            )
        return s.PromiseResponse(
            channel=channel, at=at, network_version=snapshot.version, promises=promises
        )

    # ------------------------------------------------------------- reservations

    async def reserve(
        self, channel: str, request: s.ReservationRequest, idempotency_key: str | None
    ) -> Hold:
        node = request.pickup_store or ""
        if node:
            snapshot = await self._network(channel)
            store = snapshot.nodes.get(node)
            if store is None or not store.pickup_point:
                raise exc.UnknownNode(f"{node!r} is not a pickup store", field="pickup_store")
        ttl_ms = self._ttl_ms(request.ttl_seconds)
        lines = [HoldLine(sku, qty, node) for sku, qty in _merge(request.lines).items()]
        rid = new_reservation_id(channel, idempotency_key)
        try:
            hold = await self.store.reserve(channel, rid, lines, ttl_ms)
        except exc.CheckoutError as error:
            RESERVATIONS.labels(channel, error.code).inc()
            raise
        RESERVATIONS.labels(channel, "created" if hold.created else "repeated").inc()
        return hold

    def _own(self, channel: str, reservation_id: str) -> None:
        if channel_of(reservation_id) != channel:
            raise exc.UnknownReservation(f"unknown reservation {reservation_id!r}")

    async def get(self, channel: str, reservation_id: str) -> Hold:
        self._own(channel, reservation_id)
        return await self.store.get(reservation_id)

    async def release(self, channel: str, reservation_id: str) -> Hold:
        self._own(channel, reservation_id)
        return await self.store.release(reservation_id)

    async def extend(self, channel: str, reservation_id: str, ttl_seconds: float | None) -> Hold:
        self._own(channel, reservation_id)
        return await self.store.extend(reservation_id, self._ttl_ms(ttl_seconds))

    def _ttl_ms(self, ttl_seconds: float | None) -> int:
        """The hold's lifetime: the default, or what was asked up to the maximum (capped
        before it becomes milliseconds, so no request can overflow the conversion)."""
        if ttl_seconds is None:
            return self.settings.hold_ttl_ms
        return int(min(ttl_seconds, self.settings.max_hold_ttl_s) * 1000)

    async def convert(self, channel: str, reservation_id: str, order_ref: str) -> Hold:
        self._own(channel, reservation_id)
        return await self.store.convert(reservation_id, order_ref)
