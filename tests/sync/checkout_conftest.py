"""Fixtures of the checkout tests: a redis-server of our own and a clock the tests move.

Imported explicitly by the ``test_checkout*.py`` modules (SYNC's conftest stays theirs).
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
import redis.asyncio as aioredis

from sync_service.checkout.config import CheckoutSettings
from sync_service.checkout.projection import rebuild_projection
from sync_service.checkout.reservations import CheckoutStore

CHANNEL = "webshop"
API_KEY = "ck_test_webshop_0123456789"
OTHER_CHANNEL = "marketplace"
OTHER_KEY = "ck_test_marketplace_0123456789"
T0 = 1_790_000_000_000  # ms; the tests' clock starts here


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(workdir),
             "--save", "", "--appendonly", "no", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        client.close()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def checkout_redis_server(tmp_path_factory):
    if not (shutil.which("redis-server") or Path("/usr/bin/redis-server").exists()):
        pytest.skip("redis-server is not installed: checkout tests need a real Redis")
    server = OwnRedis(tmp_path_factory.mktemp("checkout-redis"))
    yield server
    server.stop()


@pytest.fixture
def rds(checkout_redis_server):
    """A blocking client on a flushed database."""
    client = redis.Redis(port=checkout_redis_server.port)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture
def ck_settings():
    return CheckoutSettings(
        api_keys={CHANNEL: API_KEY, OTHER_CHANNEL: OTHER_KEY},
        hold_ttl_s=1.0,
        purge_limit=50,
        _env_file=None,
    )


class Clock:
    """Milliseconds that only move when a test says so."""

    def __init__(self, start: int = T0) -> None:
        self.now = start

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += int(seconds * 1000)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def run_store(checkout_redis_server, rds, ck_settings, clock):
    """``run_store(fn)`` runs ``await fn(store)`` in a fresh event loop with its own client."""

    def run(fn):
        async def main():
            client = aioredis.Redis(port=checkout_redis_server.port, max_connections=200)
            try:
                return await fn(CheckoutStore(client, ck_settings, clock))
            finally:
                await client.aclose()

        return asyncio.run(main())

    return run


def seed(rds, settings, rows, channel=CHANNEL, at_ms=T0 - 60_000):
    """Rebuild ``channel`` from rows of (sku, warehouse, sellable), as export_sellable gives,
    at ``at_ms`` on the tests' clock (by default a minute before the tests start)."""
    stock = [{"sku": s, "warehouse": w, "sellable": q} for s, w, q in rows]
    return rebuild_projection(
        channel,
        lambda _c: {"as_of": "2026-11-26T10:00:00Z", "stock": stock},
        redis=rds,
        settings=settings,
        clock=lambda: at_ms,
    )


# ----------------------------------------------------------------- the API in-process


def sample_network():
    """A small Portuguese network: a DC near Lisbon and three pickup stores."""
    from datetime import time as clock_time

    from oms_engine import CarrierService, Network, Node, Product, Zone

    nodes = [
        Node("DC1", "dc", 38.75, -9.15, "PT", "2600-000", "Europe/Lisbon",
             handling_days=0, cutoff=clock_time(15, 0)),
        Node("LIS1", "store", 38.71, -9.14, "PT", "1100-148", "Europe/Lisbon",
             pickup_point=True, ship_from_store=True),
        Node("OPO1", "store", 41.15, -8.61, "PT", "4000-322", "Europe/Lisbon",
             pickup_point=True, ship_from_store=True),
        Node("FAO1", "store", 37.02, -7.93, "PT", "8000-138", "Europe/Lisbon",
             pickup_point=True, ship_from_store=False),
    ]  # fmt: skip
    services = [
        CarrierService("ctt-std", "ctt", "standard", (Zone("PT", "", 2),), 4.0),
        CarrierService("ctt-exp", "ctt", "express", (Zone("PT", "", 1),), 9.0),
    ]
    products = [Product("A", 0.3), Product("B", 0.5), Product("C", 1.0)]
    return Network(nodes, services, products)


def make_app(redis_port: int, ck_settings, clock, network=None):
    from sync_service.checkout.network import NetworkCache, NetworkSnapshot
    from sync_service.config import Settings
    from sync_service.main import create_app

    settings = Settings(
        environment="test",
        redis_url=f"redis://127.0.0.1:{redis_port}/0",
        odoo_api_key="test-key-not-used",
        _env_file=None,
    )
    app = create_app(settings)
    app.state.checkout_settings = ck_settings
    app.state.checkout_clock = clock
    net = network or sample_network()
    snapshot = NetworkSnapshot(net, {n.id: n for n in net.nodes}, "test-network")
    app.state.checkout_networks = NetworkCache(lambda _channel: snapshot, ttl_s=3600)
    return app


@pytest.fixture
def run_api(checkout_redis_server, rds, ck_settings, clock):
    """``run_api(fn)`` runs ``await fn(client)`` against the app, in-process, over ASGI."""
    import httpx

    def run(fn, app=None):
        app = app or make_app(checkout_redis_server.port, ck_settings, clock)

        async def main():
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport,
                base_url="http://checkout.test",
                headers={"X-API-Key": API_KEY},
            ) as client:
                try:
                    return await fn(client)
                finally:
                    if app.state.redis is not None:
                        await app.state.redis.aclose()

        return asyncio.run(main())

    return run
