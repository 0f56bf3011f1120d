# ruff: noqa: F811  (pytest fixtures imported from checkout_conftest)
"""The projection against a real Odoo 18 with the addon: rebuilt from ``export_sellable`` it
equals Odoo's figures, and fed by the outbox it stays equal after stock moves.

Starts its own Odoo server on a fresh database (copied from ODOO_DB_TEMPLATE when set), found
through the variables of tools/test_addons.sh (docs/odoo.md: ODOO_PYTHON, ODOO_HOME,
ODOO_DB_HOST/PORT/USER, ODOO_DATA_DIR). Skipped, loudly, when no Odoo 18 is available.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from sync_service.checkout.projection import (
    apply_stock_changes,
    read_projection,
    rebuild_projection,
    sellable_units,
)
from tests import odoo_env
from tests.sync.checkout_conftest import (  # noqa: F401
    checkout_redis_server,
    ck_settings,
    rds,
)

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
CHANNEL = "ckweb"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Odoo:
    """JSON-RPC to the test server as admin (the sync service's one door, execute_kw)."""

    def __init__(self, url: str, db: str) -> None:
        self.url, self.db = url, db
        self.uid = self.rpc("common", "authenticate", db, "admin", "admin", {})
        assert self.uid, "admin/admin does not log in"

    def rpc(self, service: str, method: str, *args):
        body = {"jsonrpc": "2.0", "method": "call", "id": 1,
                "params": {"service": service, "method": method, "args": list(args)}}  # fmt: skip
        req = urllib.request.Request(f"{self.url}/jsonrpc", json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})  # fmt: skip
        with urllib.request.urlopen(req, timeout=120) as reply:
            answer = json.loads(reply.read())
        if answer.get("error"):
            raise RuntimeError(json.dumps(answer["error"])[:2000])
        return answer.get("result")

    def call(self, model: str, method: str, *args, **kwargs):
        return self.rpc("object", "execute_kw", self.db, self.uid, "admin", model, method,
                        list(args), kwargs)  # fmt: skip


@pytest.fixture(scope="module")
def odoo(tmp_path_factory):
    reason = odoo_env.why_no_odoo()
    if reason:
        print(f"\n{'#' * 70}\n# CHECKOUT ODOO TESTS SKIPPED: no real Odoo 18 here ({reason})\n"
              f"{'#' * 70}")  # fmt: skip
        pytest.skip(f"REAL ODOO 18 NOT AVAILABLE: {reason}")
    env = odoo_env.pg_env()
    db = f"ck_test_{os.getpid()}_{int(time.time())}"
    logs = tmp_path_factory.mktemp("odoo")
    template = odoo_env.DB_TEMPLATE  # copying one saves installing base and the dependencies
    createdb = [odoo_env.pg_bin("createdb"), *(["-T", template] if template else []), db]
    subprocess.run(createdb, env=env, check=True)
    template_store = odoo_env.DATA_DIR / "filestore" / (template or "")
    if template and template_store.exists():
        shutil.copytree(template_store, odoo_env.DATA_DIR / "filestore" / db, dirs_exist_ok=True)
    base = [*odoo_env.odoo_command(db, ROOT), "--db-filter", f"^{db}$", "--without-demo=all"]
    server = None
    try:
        with open(logs / "install.log", "w") as out:
            installed = subprocess.run([*base, "-i", "oms_omnichannel", "--stop-after-init",
                                        "--http-port", str(_free_port())],
                                       stdout=out, stderr=subprocess.STDOUT, env=env,
                                       timeout=600, check=False)  # fmt: skip
        assert installed.returncode == 0, (logs / "install.log").read_text()[-3000:]
        port = _free_port()
        server = subprocess.Popen(
            [*base, "--http-port", str(port), "--workers", "0", "--max-cron-threads", "0"],
            stdout=open(logs / "server.log", "w"), stderr=subprocess.STDOUT, env=env,  # noqa: SIM115
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/web/login", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError((logs / "server.log").read_text()[-3000:]) from None
                time.sleep(0.5)
        odoo = Odoo(url, db)
        # The intake is the sync service's door only (docs/contracts.md): admin joins its group.
        [group] = odoo.call("ir.model.data", "search_read", [("module", "=", "oms_omnichannel"),
                            ("name", "=", "group_oms_integration")], ["res_id"])  # fmt: skip
        odoo.call("res.users", "write", [odoo.uid], {"groups_id": [(4, group["res_id"])]})
        yield odoo
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        subprocess.run([odoo_env.pg_bin("dropdb"), "--if-exists", db], env=env, check=False)
        shutil.rmtree(odoo_env.DATA_DIR / "filestore" / db, ignore_errors=True)


@pytest.fixture(scope="module")
def retailer(odoo):
    """Two routable warehouses, a channel selling from both with safety stock 1, 3 products."""
    warehouses = {}
    for code in ("CKA", "CKB"):
        wid = odoo.call("stock.warehouse", "create", {"name": f"Checkout {code}", "code": code})
        odoo.call("stock.warehouse", "write", [wid], {"oms_routing_enabled": True})
        warehouses[code] = odoo.call("stock.warehouse", "read", [wid], ["lot_stock_id"])[0]
    odoo.call("oms.channel", "create", {
        "name": "Checkout web", "code": CHANNEL, "safety_stock": 1,
        "warehouse_ids": [(6, 0, [w["id"] for w in warehouses.values()])]})  # fmt: skip
    products = {}
    for sku in ("CK-TEE", "CK-MUG", "CK-CAP"):
        products[sku] = odoo.call("product.product", "create", {
            "name": sku, "default_code": sku, "type": "consu", "is_storable": True})  # fmt: skip
    return {"warehouses": warehouses, "products": products}


def set_on_hand(odoo, retailer, sku, code, quantity):
    location = retailer["warehouses"][code]["lot_stock_id"][0]
    ctx = {"inventory_mode": True}
    quant = odoo.call("stock.quant", "create", {
        "product_id": retailer["products"][sku], "location_id": location,
        "inventory_quantity": quantity}, context=ctx)  # fmt: skip
    odoo.call("stock.quant", "action_apply_inventory", [quant], context=ctx)


def odoo_figures(odoo) -> dict[str, dict[str, int]]:
    export = odoo.call("oms.channel", "export_sellable", CHANNEL, None)
    figures: dict[str, dict[str, int]] = {}
    for row in export["stock"]:
        node = figures.setdefault(row["sku"], {})
        node[row["warehouse"]] = node.get(row["warehouse"], 0) + sellable_units(row["sellable"])
    return figures


def test_projection_rebuilt_from_odoo_equals_odoo_then_follows_the_outbox(
    odoo, retailer, rds, ck_settings
):
    for sku, code, qty in [("CK-TEE", "CKA", 10), ("CK-TEE", "CKB", 3), ("CK-MUG", "CKA", 1)]:
        set_on_hand(odoo, retailer, sku, code, qty)
    cursor = odoo.call("oms.outbox.event", "fetch_since", 0, 5000)["cursor"]

    def export(channel):
        return odoo.call("oms.channel", "export_sellable", channel, None)

    report = rebuild_projection(CHANNEL, export, redis=rds, settings=ck_settings)
    assert report["status"] == "ok"
    projection = read_projection(CHANNEL, redis=rds, settings=ck_settings)
    figures = odoo_figures(odoo)
    assert projection == figures
    # safety stock 1 per node: 10 -> 9, 3 -> 2, 1 -> 0, nothing -> 0
    assert {k: figures[k] for k in ("CK-TEE", "CK-MUG", "CK-CAP")} == {
        "CK-TEE": {"CKA": 9, "CKB": 2},
        "CK-MUG": {"CKA": 0, "CKB": 0},
        "CK-CAP": {"CKA": 0, "CKB": 0},
    }

    # Stock moves in Odoo; the outbox brings them, the projection follows without a rebuild.
    set_on_hand(odoo, retailer, "CK-TEE", "CKA", 4)
    set_on_hand(odoo, retailer, "CK-CAP", "CKB", 7)
    fetched = odoo.call("oms.outbox.event", "fetch_since", cursor, 5000)
    events = fetched["events"]
    assert any(e["topic"] == "stock.changed" for e in events)
    apply_stock_changes(events, redis=rds, settings=ck_settings, channels=[CHANNEL])
    apply_stock_changes(events, redis=rds, settings=ck_settings, channels=[CHANNEL])  # replay
    projection = read_projection(CHANNEL, redis=rds, settings=ck_settings)
    figures = odoo_figures(odoo)
    assert projection == figures
    assert figures["CK-TEE"] == {"CKA": 3, "CKB": 2} and figures["CK-CAP"]["CKB"] == 6


def test_hold_converted_into_an_odoo_order_is_counted_once(odoo, retailer, rds, ck_settings):
    """Reserve at checkout, the order lands in Odoo (which reserves the stock itself), the hold
    is converted: at no point are the units available twice or missing twice for long."""
    import asyncio

    import redis.asyncio as aioredis
    from pydantic import SecretStr

    from sync_service.checkout.jobs import on_outbox_batch
    from sync_service.checkout.reservations import (
        CheckoutStore,
        HoldLine,
        convert_hold,
        new_reservation_id,
    )

    # this channel has checkout: its outbox events are projected
    keys = {CHANNEL: SecretStr("ck_test_ckweb_0123456789")}
    settings = ck_settings.model_copy(update={"clock_margin_s": 1.0, "api_keys": keys})
    set_on_hand(odoo, retailer, "CK-MUG", "CKB", 6)  # 5 sellable at CKB
    cursor = odoo.call("oms.outbox.event", "fetch_since", 0, 5000)["cursor"]
    rebuild_projection(CHANNEL, lambda c: odoo.call("oms.channel", "export_sellable", c, None),
                       redis=rds, settings=settings)  # fmt: skip
    port = rds.connection_pool.connection_kwargs["port"]

    async def with_store(fn):
        client = aioredis.Redis(port=port)
        try:
            return await fn(CheckoutStore(client, settings))
        finally:
            await client.aclose()

    async def available(store):
        return (await store.read(CHANNEL, ["CK-MUG"]))["CK-MUG"].available

    rid = new_reservation_id(CHANNEL)
    asyncio.run(with_store(lambda s: s.reserve(CHANNEL, rid, [HoldLine("CK-MUG", 2)], 600_000)))
    assert asyncio.run(with_store(available)) == 3

    order = {
        "channel": CHANNEL, "external_id": "ck-1", "external_version": 1, "status": "open",
        "name": "#CK1", "placed_at": "2026-11-26T09:12:00Z", "currency": "EUR",
        "customer": {"external_id": "c-1", "email": "ck@example.com", "name": "Ck Buyer",
                     "phone": ""},
        "shipping_address": {"name": "Ck Buyer", "street": "Rua Augusta 10", "street2": "",
                             "city": "Lisboa", "zip": "1100-053", "country_code": "PT",
                             "state_code": "", "phone": ""},
        "lines": [{"external_id": "l1", "sku": "CK-MUG", "quantity": 2, "unit_price": "9.00",
                   "discount_percent": "0"}],
        "service_level": "standard", "shipping_price": "0.00", "delivery_mode": "ship",
        "pickup_store": None, "allow_split": True,
        "payment": {"status": "paid", "method": "card", "amount": "18.00", "reference": "p1"},
        "reservation_id": rid,
    }  # fmt: skip
    company = odoo.call("res.users", "read", [odoo.uid], ["company_id"])[0]["company_id"][0]
    currency = odoo.call("res.company", "read", [company], ["currency_id"])[0]["currency_id"][1]
    order["currency"] = currency
    [result] = odoo.call("oms.intake", "ingest_orders", [order])
    assert result["status"] == "created", result["error"]
    assert convert_hold(rid, result["order_name"], redis=rds, settings=settings) == "converted"

    # The order's own stock events (written before the conversion): the hold still counts,
    # so the units Odoo now reserves are not offered twice.
    events = odoo.call("oms.outbox.event", "fetch_since", cursor, 5000)
    accepted = [e for e in events["events"] if e["topic"] == "order.accepted"]
    assert [e["payload"]["reservation_id"] for e in accepted] == [rid]
    # the consumer's hook: stock figures, and the hold of order.accepted (already converted
    # by the worker above with the same order name: no conflict, nothing changes)
    on_outbox_batch(events["events"], rds, settings)
    figures = odoo_figures(odoo)
    assert read_projection(CHANNEL, redis=rds, settings=settings) == figures
    odoo_total = sum(figures["CK-MUG"].values())
    assert odoo_total == 3, "Odoo's sellable figure must show the order's reservation"
    assert asyncio.run(with_store(available)) == odoo_total - 2  # conservative meanwhile

    # Any later transaction in Odoo proves the projection has caught up: the hold settles.
    time.sleep(settings.clock_margin_s + 1.2)  # Odoo's create_date has second precision
    set_on_hand(odoo, retailer, "CK-CAP", "CKA", 2)
    later = odoo.call("oms.outbox.event", "fetch_since", events["cursor"], 5000)
    on_outbox_batch(later["events"], rds, settings)
    assert asyncio.run(with_store(available)) == odoo_total
    state = asyncio.run(with_store(lambda s: s.get(rid))).state
    assert state == "settled"
