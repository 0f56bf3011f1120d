"""The fulfilment network for promises: loaded from Odoo's ``export_network``, cached in-process.

Promises must use the data the addon routes with, so the network comes from Odoo (nodes,
carriers, calendars, policy in the engine's JSON problem format) and is prepared once as an
``oms_engine.Network``; it is reloaded after ``network_ttl_s``. The version (a hash of the
export) is answered with each promise so a shop can tell which network gave a date.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
import logging
import time
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin, get_type_hints

import orjson
from starlette.concurrency import run_in_threadpool

from oms_engine import CarrierService, Network, Node, Policy, Product
from sync_service.checkout.exceptions import NetworkUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NetworkSnapshot:
    network: Network
    nodes: Mapping[str, Node]
    version: str


def version_of(export: Mapping) -> str:
    return hashlib.sha1(orjson.dumps(export, option=orjson.OPT_SORT_KEYS)).hexdigest()[:12]


def _decode(tp: Any, value: Any) -> Any:
    """JSON -> engine dataclass field, the inverse of the addon's ``_jsonable``: nested
    dataclasses from objects, tuples/frozensets from lists, times from "HH:MM", dates ISO."""
    if value is None:
        return None
    origin, args = get_origin(tp), get_args(tp)
    if origin in (Union, types.UnionType):
        return _decode(next(a for a in args if a is not type(None)), value)
    if dataclasses.is_dataclass(tp):
        hints = get_type_hints(tp)
        return tp(**{
            f.name: _decode(hints[f.name], value[f.name])
            for f in dataclasses.fields(tp) if f.init and f.name in value
        })  # fmt: skip
    if origin is tuple:
        return tuple(_decode(args[0], item) for item in value)
    if origin is frozenset:
        return frozenset(_decode(args[0], item) for item in value)
    if tp is dt.time:
        return dt.time.fromisoformat(value)
    if tp is dt.date:
        return dt.date.fromisoformat(value)
    if tp is float:
        return float(value)
    return value


def snapshot_from_export(export: Mapping) -> NetworkSnapshot:
    """Odoo's ``export_network`` (engine dataclasses as JSON, no order) -> a prepared network."""
    nodes = [_decode(Node, n) for n in export.get("nodes", [])]
    services = [_decode(CarrierService, c) for c in export.get("carrier_services", [])]
    products = [_decode(Product, p) for p in export.get("products", [])]
    policy = _decode(Policy, export["policy"]) if export.get("policy") else None
    network = Network(nodes, services, products, policy)
    return NetworkSnapshot(network, {n.id: n for n in network.nodes}, version_of(export))


def odoo_loader(gateway) -> Callable[[str], NetworkSnapshot]:
    def load(channel: str) -> NetworkSnapshot:
        return snapshot_from_export(gateway.call("oms.channel", "export_network", channel))

    return load


class NetworkCache:
    """Per-channel networks, reloaded after ``ttl_s``; one load at a time per channel.

    When a reload fails the previous network keeps serving (stale beats no promise); only a
    channel that never loaded answers ``NetworkUnavailable``.
    """

    def __init__(
        self,
        loader: Callable[[str], NetworkSnapshot],
        ttl_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._loader = loader
        self._ttl_s = ttl_s
        self._clock = clock
        self._entries: dict[str, tuple[float, NetworkSnapshot]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, channel: str) -> NetworkSnapshot:
        entry = self._entries.get(channel)
        if entry and self._clock() - entry[0] < self._ttl_s:
            return entry[1]
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            entry = self._entries.get(channel)
            if entry and self._clock() - entry[0] < self._ttl_s:
                return entry[1]
            try:
                snapshot = await run_in_threadpool(self._loader, channel)
            except Exception as error:
                # What went wrong inside Odoo is for our log, not for the shop's screen.
                log.warning("checkout: network of %s not loaded: %s", channel, error,
                            extra={"channel": channel})  # fmt: skip
                if entry:
                    return entry[1]
                raise NetworkUnavailable(
                    f"delivery dates for channel {channel!r} cannot be computed right now "
                    "(the fulfilment network is not available); retry shortly"
                ) from error
            self._entries[channel] = (self._clock(), snapshot)
            return snapshot

    def invalidate(self, channel: str | None = None) -> None:
        if channel is None:
            self._entries.clear()
        else:
            self._entries.pop(channel, None)
