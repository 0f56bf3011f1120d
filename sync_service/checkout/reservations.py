"""Reads and holds against the Redis projection: the only code that calls the checkout scripts.

Sellable for a channel = projection - active holds. A hold is either channel-wide (``node``
empty, any node may serve it) or for one node (a pickup store). Holds live in
``hold:<id>`` records, counted per SKU in ``h:<sku>`` and indexed by expiry in the ``exp``
sorted set; every script purges expired holds before it reads, so stock comes back the
moment a hold's TTL passes, whether or not anyone releases it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

import orjson

from sync_service.checkout import exceptions as exc
from sync_service.checkout.config import CHANNEL_CODE, CheckoutSettings
from sync_service.checkout.metrics import HOLDS_CONVERTED
from sync_service.checkout.scripts import (
    Call,
    channel_prefix,
    pool_prefix,
    run_async,
    run_sync,
)

MAX_PURGE_ROUNDS = 1000


def wall_clock_ms() -> int:
    return int(time.time() * 1000)


def _s(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _pairs(flat: Sequence) -> dict[str, str]:
    return {_s(flat[i]): _s(flat[i + 1]) for i in range(0, len(flat), 2)}


@dataclass(frozen=True, slots=True)
class SkuStock:
    """Channel-wide figures of one SKU: ``available`` = projected - held (never negative)."""

    sku: str
    projected: int
    held: int

    @property
    def available(self) -> int:
        return max(self.projected - self.held, 0)


@dataclass(frozen=True, slots=True)
class NodeStock:
    """Per-node figures of one SKU. A node can offer min(its free stock, the channel's):
    ``nodes``. ``free_at_node`` ignores channel-wide holds (``held_any``), which any node may
    serve; :meth:`allocated` charges them to nodes in a given order instead."""

    sku: str
    total: SkuStock
    nodes: dict[str, int] = field(default_factory=dict)  # node -> available there
    free_at_node: dict[str, int] = field(default_factory=dict)
    held_any: int = 0

    def allocated(self, preference: Sequence[str]) -> dict[str, int]:
        """Per-node stock whose sum is the channel's free stock: channel-wide holds are taken
        from nodes in ``preference`` order (then the rest, by id)."""
        left = dict(self.free_at_node)
        owed = self.held_any
        for node in [*preference, *sorted(left)]:
            if owed <= 0:
                break
            take = min(left.get(node, 0), owed)
            if take > 0:
                left[node] -= take
                owed -= take
        return left


@dataclass(frozen=True, slots=True)
class HoldLine:
    sku: str
    quantity: int
    node: str = ""  # "" = any node of the channel


@dataclass(frozen=True, slots=True)
class Hold:
    reservation_id: str
    channel: str
    state: str  # active | expired | released | converted | settled
    lines: tuple[HoldLine, ...]
    expires_ms: int
    order_ref: str | None = None
    created: bool = False  # this call created it (False: an idempotent repeat)


def new_reservation_id(channel: str, idempotency_key: str | None = None) -> str:
    """``<channel>.<32 hex>``; from an Idempotency-Key the same key gives the same id."""
    if idempotency_key:
        token = uuid.uuid5(uuid.NAMESPACE_URL, f"oms-checkout:{channel}:{idempotency_key}").hex
    else:
        token = uuid.uuid4().hex
    return f"{channel}.{token}"


def channel_of(reservation_id: str) -> str:
    channel, _, token = reservation_id.rpartition(".")
    if not CHANNEL_CODE.match(channel) or len(token) != 32:
        raise exc.UnknownReservation(f"{reservation_id!r} is not a reservation id")
    return channel


def _node_stock(sku: str, total: SkuStock, projection: Sequence, holds: Sequence) -> NodeStock:
    """From HGETALL replies (flat [field, value, ...]) of the SKU's figures and holds.

    One pass over the nodes (50 per SKU on a promise or pickup call, so it is per-request
    cost): a node offers ``max(min(its free stock, the channel's), 0)``."""
    it = iter(holds)
    held = {field: int(value) for field, value in zip(it, it, strict=True)}
    held_any = held.get("*", 0)
    at_stores = len(held) > ("t" in held) + ("*" in held)  # any "n:<node>" field
    free = total.projected - total.held
    nodes: dict[str, int] = {}
    free_at_node: dict[str, int] = {}
    it = iter(projection)
    for node, value in zip(it, it, strict=True):
        at = int(value)
        if at < 0:
            at = 0
        if at_stores:
            at = max(at - held.get("n:" + node, 0), 0)
        free_at_node[node] = at
        nodes[node] = at if at < free else max(free, 0)
    return NodeStock(sku, total, nodes, free_at_node, held_any)


def _parse_read(skus: Sequence[str], mode: str, raw) -> tuple[bool, dict]:
    reply = orjson.loads(raw)
    if not reply[1]:
        raise exc.ProjectionNotReady("no stock projection for this channel yet; retry shortly")
    out: dict[str, SkuStock | NodeStock | None] = {}
    totals, held = reply[2], reply[3]
    for i, sku in enumerate(skus):
        if not totals[i]:
            out[sku] = None
            continue
        stock = SkuStock(sku, int(totals[i]), int(held[i] or 0))
        if mode == "total":
            out[sku] = stock
        else:  # cjson encodes an empty table as {}: no holds
            out[sku] = _node_stock(sku, stock, reply[4][i][0] or (), reply[4][i][1] or ())
    return bool(reply[0]), out


def _parse_available(skus: Sequence[str], raw) -> tuple[bool, dict[str, int | None]]:
    """The "total" read as plain numbers: a listing page turns 100 SKUs into an answer, and
    objects per SKU cost more there than the Redis call."""
    reply = orjson.loads(raw)
    if not reply[1]:
        raise exc.ProjectionNotReady("no stock projection for this channel yet; retry shortly")
    out: dict[str, int | None] = {}
    for sku, total, held in zip(skus, reply[2], reply[3], strict=True):
        if total:
            free = int(total) - int(held or 0)
            out[sku] = free if free > 0 else 0
        else:
            out[sku] = None
    return bool(reply[0]), out


def _hold_from(channel: str, rid: str, rec: dict[str, str], created: bool = False) -> Hold:
    lines = tuple(HoldLine(s, int(q), n) for s, n, q in orjson.loads(rec.get("lines", "[]")))
    return Hold(
        reservation_id=rid,
        channel=channel,
        state=rec.get("state", "unknown"),
        lines=lines,
        expires_ms=int(rec.get("expires_ms", 0)),
        order_ref=rec.get("order_ref") or None,
        created=created,
    )


def _lines_json(lines: Iterable[HoldLine]) -> bytes:
    return orjson.dumps([[line.sku, line.node, line.quantity] for line in lines])


def _raise_refusal(kind: str, reply: Sequence) -> None:
    if kind == "no_projection":
        raise exc.ProjectionNotReady("no stock projection for this channel yet; retry shortly")
    if kind == "unknown_sku":
        skus = [_s(s) for s in reply[1:]]
        raise exc.UnknownSku(f"unknown SKU for this channel: {', '.join(skus)}", skus=skus)
    if kind == "insufficient":
        rest = reply[1:]
        lines = [
            {
                "sku": _s(rest[i]),
                "store": _s(rest[i + 1]) or None,
                "requested": int(rest[i + 2]),
                "available": int(rest[i + 3]),
            }
            for i in range(0, len(rest), 4)
        ]
        names = ", ".join(line["sku"] for line in lines)
        raise exc.InsufficientStock(f"not enough sellable stock for: {names}", lines=lines)
    raise exc.CheckoutError(f"unexpected reservation reply {kind!r}")


class CheckoutStore:
    """Async access for the API. ``clock`` returns ms; tests pass their own."""

    def __init__(
        self, redis, settings: CheckoutSettings, clock: Callable[[], int] = wall_clock_ms
    ) -> None:
        self.redis = redis
        self.settings = settings
        self.clock = clock
        self._common: dict[str, tuple] = {}

    async def _run(self, channel: str, name: str, *args):
        # The scripts' common arguments but the clock, built and encoded once per channel:
        # on a cart read they are most of the command the client packs.
        common = self._common.get(channel)
        if common is None:
            built = Call.build(self.settings, channel, name, 0)
            pool, prefix, _now, *rest = (str(arg).encode() for arg in built.args)
            common = self._common[channel] = (built.key, pool, prefix, tuple(rest))
        key, pool, prefix, rest = common
        call = Call(name, key, (pool, prefix, self.clock(), *rest, *args))
        return await run_async(self.redis, call)

    async def status(self, channel: str) -> dict:
        """How fresh the channel's projection is, for operators and shops' health checks."""
        prefix, pool = channel_prefix(self.settings, channel), pool_prefix(self.settings)
        gen = await self.redis.get(prefix + "gen")
        meta = {_s(k): _s(v) for k, v in (await self.redis.hgetall(prefix + "meta")).items()}
        pool_wm = await self.redis.hget(pool + "meta", "wm")
        skus = await self.redis.hlen(f"{prefix}g{_s(gen)}:tot") if gen else 0

        def moment(ms) -> str | None:
            if not ms or not int(float(ms)):
                return None
            when = datetime.fromtimestamp(int(float(ms)) / 1000, timezone.utc)
            return when.isoformat(timespec="seconds").replace("+00:00", "Z")

        return {
            "channel": channel,
            "ready": gen is not None,
            "generation": int(gen) if gen else None,
            "skus": skus,
            "rebuilt_at": moment(meta.get("rebuilt_ms")),
            "rebuilding": "building" in meta,
            "outbox_cursor": int(meta.get("cursor", 0)),
            "settled_up_to": moment(pool_wm),
            "active_holds": await self.redis.zcard(pool + "exp"),
            "converted_holds": await self.redis.zcard(pool + "conv"),
        }

    async def sweep(self, channel: str) -> int:
        """Purge every expired/settled hold of a channel; returns the rounds it took."""
        for rounds in range(1, MAX_PURGE_ROUNDS + 1):
            if not await self._run(channel, "sweep"):
                return rounds
        return MAX_PURGE_ROUNDS

    async def read(self, channel: str, skus: Sequence[str], mode: str = "total") -> dict:
        """{sku: SkuStock | NodeStock | None (unknown)} for ``mode`` "total" or "nodes"."""
        args = (mode, orjson.dumps(list(skus)))
        more, out = _parse_read(skus, mode, await self._run(channel, "availability", *args))
        if more:  # a backlog of expired holds beyond one script's purge limit
            await self.sweep(channel)
            more, out = _parse_read(skus, mode, await self._run(channel, "availability", *args))
        return out

    async def available(self, channel: str, skus: Sequence[str]) -> dict[str, int | None]:
        """{sku: sellable units for the channel | None (unknown)}: ``read(...)[sku].available``
        without the objects, for the cart and listing reads."""
        args = ("total", orjson.dumps(list(skus)))
        more, out = _parse_available(skus, await self._run(channel, "availability", *args))
        if more:  # a backlog of expired holds beyond one script's purge limit
            await self.sweep(channel)
            more, out = _parse_available(skus, await self._run(channel, "availability", *args))
        return out

    async def stores_in_stock(
        self, channel: str, skus: Sequence[str], stores: Sequence[str]
    ) -> dict[str, tuple[SkuStock, int] | None]:
        """{sku: (channel figures, how many of ``stores`` can hand over a unit) | None}.

        Counted inside Redis: a listing page of 100 SKUs x 50 nodes would otherwise ship
        5,000 figures to Python to answer 100 small numbers."""
        args = ("stores", orjson.dumps(list(skus)), orjson.dumps(list(stores)))
        raw = await self._run(channel, "availability", *args)
        more, totals = _parse_read(skus, "total", raw)
        if more:
            await self.sweep(channel)
            raw = await self._run(channel, "availability", *args)
            more, totals = _parse_read(skus, "total", raw)
        counts = orjson.loads(raw)[4]
        return {
            sku: None if totals[sku] is None else (totals[sku], int(counts[i]))
            for i, sku in enumerate(skus)
        }

    async def reserve(
        self, channel: str, reservation_id: str, lines: Sequence[HoldLine], ttl_ms: int
    ) -> Hold:
        payload = _lines_json(lines)
        reply = await self._run(channel, "reserve", reservation_id, ttl_ms, payload)
        kind = _s(reply[0])
        if kind == "ok":
            return Hold(reservation_id, channel, "active", tuple(lines), int(reply[1]), None, True)
        if kind == "exists":
            rec = {"state": _s(reply[1]), "expires_ms": _s(reply[2]), "lines": _s(reply[3])}
            hold = _hold_from(channel, reservation_id, rec)
            if orjson.loads(rec["lines"]) != orjson.loads(payload):
                raise exc.ReservationConflict(
                    "this Idempotency-Key was used for a different cart",
                    reservation_id=reservation_id,
                )
            return hold
        _raise_refusal(kind, reply)
        raise AssertionError("unreachable")

    async def get(self, reservation_id: str) -> Hold:
        channel = channel_of(reservation_id)
        rec = _pairs(await self._run(channel, "hold", reservation_id))
        if not rec:
            raise exc.UnknownReservation(f"unknown reservation {reservation_id!r}")
        return _hold_from(channel, reservation_id, rec)

    async def release(self, reservation_id: str) -> Hold:
        channel = channel_of(reservation_id)
        state = await self._run(channel, "release", reservation_id)
        if state is None:
            raise exc.UnknownReservation(f"unknown reservation {reservation_id!r}")
        if _s(state) in ("converted", "settled"):
            raise exc.ReservationConflict(
                "the reservation was converted into an order; cancel the order instead",
                reservation_id=reservation_id,
            )
        return await self.get(reservation_id)

    async def extend(self, reservation_id: str, ttl_ms: int) -> Hold:
        """Move an active hold's expiry to ``now + ttl_ms`` (never earlier)."""
        channel = channel_of(reservation_id)
        state, _expires = await self._run(channel, "extend", reservation_id, ttl_ms)
        if state is None:
            raise exc.UnknownReservation(f"unknown reservation {reservation_id!r}")
        if _s(state) != "active":
            raise exc.ReservationConflict(
                f"only an active hold can be extended; this one is {_s(state)}",
                reservation_id=reservation_id,
                state=_s(state),
            )
        return await self.get(reservation_id)

    async def convert(self, reservation_id: str, order_ref: str) -> Hold:
        channel = channel_of(reservation_id)
        reply = await self._run(channel, "convert", reservation_id, order_ref)
        _check_conversion(channel, reservation_id, order_ref, reply)
        return await self.get(reservation_id)


def _check_conversion(channel: str, rid: str, order_ref: str, reply) -> None:
    before = None if reply[0] is None else _s(reply[0])
    on_record = None if reply[1] is None else _s(reply[1])
    if before is None:
        raise exc.UnknownReservation(f"unknown reservation {rid!r}")
    if before in ("converted", "settled") and on_record != order_ref:
        raise exc.ReservationConflict(
            f"reservation already converted for order {on_record!r}",
            reservation_id=rid,
            order_ref=on_record,
        )


def convert_hold(
    reservation_id: str, order_ref: str, *, redis, settings: CheckoutSettings, now_ms=None
) -> str:
    """For the SYNC worker, once Odoo accepted the order carrying ``reservation_id``.

    Idempotent: converting again with the same ``order_ref`` changes nothing. Returns the
    hold's state after the call: "converted"/"settled" (counted until the projection shows
    Odoo's reservation), or "expired"/"released" when the hold had already given its stock
    back (Odoo's own reservation then stands alone). Raises ``UnknownReservation`` /
    ``ReservationConflict`` (converted for another order).
    """
    channel = channel_of(reservation_id)
    now = wall_clock_ms() if now_ms is None else now_ms
    reply = run_sync(
        redis, Call.build(settings, channel, "convert", now, reservation_id, order_ref)
    )
    _check_conversion(channel, reservation_id, order_ref, reply)
    before = _s(reply[0])
    HOLDS_CONVERTED.labels(channel, before).inc()
    return "converted" if before == "active" else before


def sweep_holds(channels: Iterable[str], *, redis, settings: CheckoutSettings) -> None:
    """Periodic backstop (beat): purge expired and settled holds of each channel."""
    for channel in channels:
        for _ in range(MAX_PURGE_ROUNDS):
            call = Call.build(settings, channel, "sweep", wall_clock_ms())
            if not run_sync(redis, call):
                break
