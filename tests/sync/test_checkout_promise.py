# ruff: noqa: F811  (pytest fixtures imported from checkout_conftest)
"""Delivery promise through the API: oms_engine.promise on the projection minus holds, with the
network as Odoo exports it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sync_service.checkout.network import NetworkCache, snapshot_from_export
from tests.sync.checkout_conftest import (  # noqa: F401
    CHANNEL,
    checkout_redis_server,
    ck_settings,
    clock,
    make_app,
    rds,
    run_api,
    sample_network,
    seed,
)

BASE = f"/checkout/v1/channels/{CHANNEL}"
STOCK = [("A", "DC1", 5), ("A", "LIS1", 2), ("A", "OPO1", 1), ("B", "OPO1", 3), ("C", "DC1", 0)]
THURSDAY_9H = "2026-11-26T09:00:00Z"
DEST = {"country": "PT", "postal_code": "1100-053"}


def jsonable(value):
    """The addon's encoding of engine dataclasses (oms_channel_export._jsonable)."""
    if dataclasses.is_dataclass(value):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value


def exported(network) -> dict:
    return {
        "format": 1,
        "channel": CHANNEL,
        "nodes": [jsonable(n) for n in network.nodes],
        "carrier_services": [jsonable(c) for c in network.services],
        "products": [jsonable(p) for p in network.products.values()],
        "policy": jsonable(network.policy),
    }


def test_exported_network_decodes_to_the_same_engine_network():
    network = sample_network()
    snapshot = snapshot_from_export(exported(network))
    assert snapshot.network.nodes == network.nodes
    assert snapshot.network.services == network.services
    assert snapshot.network.products == network.products
    assert snapshot.network.policy == network.policy
    assert snapshot.version == snapshot_from_export(exported(network)).version


def promise_app(checkout_redis_server, ck_settings, clock):
    """The app with the network coming through the export decoder, as from Odoo."""
    app = make_app(checkout_redis_server.port, ck_settings, clock)
    export = exported(sample_network())
    app.state.checkout_networks = NetworkCache(lambda _c: snapshot_from_export(export), 300)
    return app


def test_promise_per_service_level_and_split(
    rds, ck_settings, clock, checkout_redis_server, run_api
):
    seed(rds, ck_settings, STOCK)

    async def calls(client):
        one = await client.post(
            f"{BASE}/promise",
            json={"lines": [{"sku": "A", "quantity": 2}], "destination": DEST, "at": THURSDAY_9H},
        )
        split = await client.post(
            f"{BASE}/promise",
            json={
                "lines": [{"sku": "A", "quantity": 6}],
                "destination": DEST,
                "at": THURSDAY_9H,
                "service_levels": ["standard"],
            },
        )
        none = await client.post(
            f"{BASE}/promise",
            json={
                "lines": [{"sku": "C", "quantity": 1}],
                "destination": DEST,
                "at": THURSDAY_9H,
                "service_levels": ["standard"],
            },
        )
        return one, split, none

    one, split, none = run_api(calls, app=promise_app(checkout_redis_server, ck_settings, clock))
    assert one.status_code == 200, one.text
    body = one.json()
    assert body["network_version"] and body["at"].startswith("2026-11-26T09:00")
    by_level = {p["service_level"]: p for p in body["promises"]}
    # Thursday before every cutoff: standard 2 working days -> Monday, express 1 -> Friday
    assert by_level["standard"]["delivery_date"] == "2026-11-30"
    assert by_level["express"]["delivery_date"] == "2026-11-27"
    assert not by_level["standard"]["splits"] and by_level["standard"]["status"] == "complete"
    promise6 = split.json()["promises"][0]
    assert promise6["status"] == "complete" and promise6["splits"] and promise6["shipments"] >= 2
    nothing = none.json()["promises"][0]
    assert nothing["status"] == "unfulfilled" and nothing["delivery_date"] is None
    [short] = nothing["unfulfilled"]
    assert (short["sku"], short["quantity"]) == ("C", 1) and short["reason"]


def test_promise_sees_holds(rds, ck_settings, clock, checkout_redis_server, run_api):
    seed(rds, ck_settings, STOCK)

    async def calls(client):
        body = {
            "lines": [{"sku": "A", "quantity": 8}],
            "destination": DEST,
            "at": THURSDAY_9H,
            "service_levels": ["standard"],
        }
        before = await client.post(f"{BASE}/promise", json=body)
        await client.post(f"{BASE}/reservations", json={"lines": [{"sku": "A", "quantity": 5}]})
        after = await client.post(f"{BASE}/promise", json=body)
        return before.json()["promises"][0], after.json()["promises"][0]

    before, after = run_api(calls, app=promise_app(checkout_redis_server, ck_settings, clock))
    assert before["status"] == "complete"
    assert after["status"] == "partial"
    assert sum(u["quantity"] for u in after["unfulfilled"]) == 5


@pytest.mark.parametrize(
    ("destination", "field"),
    [
        ({"country": "PT", "postal_code": "11000"}, "destination.postal_code"),
        ({"country": "DE", "postal_code": "1100-053"}, "destination.postal_code"),
        ({"country": "P1", "postal_code": "1100-053"}, "country"),
    ],
)
def test_promise_refuses_invalid_postal_codes(
    rds, ck_settings, clock, checkout_redis_server, run_api, destination, field
):
    seed(rds, ck_settings, STOCK)

    async def calls(client):
        return await client.post(
            f"{BASE}/promise",
            json={"lines": [{"sku": "A", "quantity": 1}], "destination": destination},
        )

    reply = run_api(calls, app=promise_app(checkout_redis_server, ck_settings, clock))
    assert reply.status_code == 422
    assert reply.json()["title"] == "invalid_postal_code"
    assert reply.json()["field"] == field


def sample_network_unavailable_is_503_and_a_stale_network_keeps_serving():
    import asyncio

    calls = []

    def loader(channel):
        calls.append(channel)
        if len(calls) > 1:
            raise ConnectionError("odoo is down")
        return snapshot_from_export(exported(sample_network()))

    now = [0.0]
    cache = NetworkCache(loader, ttl_s=10, clock=lambda: now[0])

    async def scenario():
        first = await cache.get(CHANNEL)
        now[0] = 11
        stale = await cache.get(CHANNEL)  # reload fails: the old network still serves
        failing = NetworkCache(lambda _c: (_ for _ in ()).throw(ConnectionError("down")), 10)
        try:
            await failing.get(CHANNEL)
        except Exception as error:
            return first, stale, type(error).__name__
        return first, stale, None

    first, stale, error = asyncio.run(scenario())
    assert stale is first and len(calls) == 2
    assert error == "NetworkUnavailable"
