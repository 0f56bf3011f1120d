"""End to end on a real Odoo 18: signed Shopify webhook -> routed, split sale order in Odoo ->
deliveries validated -> fulfilments with tracking pushed to the Shopify API double.

Everything is real except the shop: redis-server, the API under uvicorn, a Celery worker with
beat, Odoo 18 (odoo-bin on a fresh database with the addon and its demo data) over JSON-RPC.
Skipped, loudly, when Odoo 18 is not importable (set ODOO_PYTHON / ODOO_HOME, see
docs/sync_service.md).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests import odoo_env
from tests.sync import helpers
from tests.sync.conftest import ROOT, free_port
from tests.sync.processes import Process, start_api, start_worker, wait_until
from tests.sync.shop_doubles import SHOPIFY, ShopDouble

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DATA_DIR = odoo_env.DATA_DIR
SYNC_PASSWORD = "sync-api-key-e2e"


def _banner(reason: str) -> str:
    line = "#" * 72
    return f"\n{line}\n# END-TO-END ODOO TEST SKIPPED: {reason}\n{line}"


class Odoo:
    """A running odoo-bin on its own database, and JSON-RPC as its admin. ``stop``/``start``,
    ``pause``/``resume`` take it away and bring it back, as an outage would."""

    def __init__(self, url: str, db: str, command: list[str], log: Path) -> None:
        self.url, self.db = url, db
        self._ids = itertools.count(1)
        self._command, self._log = command, log
        self.server: Process | None = None

    def start(self) -> None:
        self.server = Process(self._command, dict(os.environ), self._log)
        wait_until(lambda: _up(self.url), what="odoo-bin serving", timeout=180,
                   process=self.server)  # fmt: skip

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def pause(self) -> None:
        """SIGSTOP: connections are still accepted (by the kernel), nothing is answered."""
        os.kill(self.server.popen.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.server.popen.pid, signal.SIGCONT)

    def rpc(self, service: str, method: str, *args):
        reply = httpx.post(
            f"{self.url}/jsonrpc",
            timeout=120,
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": next(self._ids),
                "params": {"service": service, "method": method, "args": list(args)},
            },
        )
        body = reply.json()
        assert "error" not in body, body["error"]
        return body["result"]

    def admin(self, model: str, method: str, *args, **kwargs):
        return self.rpc("object", "execute_kw", self.db, 2, "admin", model, method,
                        list(args), kwargs)  # fmt: skip


_DATABASES = itertools.count(1)


@contextmanager
def running_odoo(workdir: Path):
    """odoo-bin on a fresh copy of the demo database (skipped, loudly, without Odoo 18)."""
    reason = odoo_env.why_no_odoo()
    if reason:
        sys.stderr.write(_banner(reason) + "\n")
        pytest.skip(_banner(reason))
    db = f"sync_e2e_{os.getpid()}_{next(_DATABASES)}"
    _drop(db)
    _pg("createdb", "-T", _demo_template(), db)
    _copy_filestore(_demo_template(), db)
    port = free_port()
    command = [*_odoo_base(db), f"--http-port={port}", "--http-interface=127.0.0.1",
               f"--db-filter=^{db}$", "--workers=0", "--max-cron-threads=0"]  # fmt: skip
    client = Odoo(f"http://127.0.0.1:{port}", db, command, workdir / "odoo.log")
    try:
        client.start()
        yield client
    finally:
        if client.server is not None:
            client.resume()  # a paused server would not hear the stop
        client.stop()
        _drop(db)


@pytest.fixture(scope="module")
def odoo(tmp_path_factory):
    with running_odoo(tmp_path_factory.mktemp("odoo")) as client:
        yield client


def integration_settings(odoo: Odoo, redis_url: str, **overrides):
    """Settings of a sync service talking to ``odoo`` as its integration user (demo data,
    group "OMS Integration"), whose key is set here; and the company's currency."""
    [sync_uid] = odoo.admin("res.users", "search", [["login", "=", "oms_sync"]])
    odoo.admin("res.users", "write", [sync_uid], {"password": SYNC_PASSWORD})
    [company] = odoo.admin("res.users", "read", [sync_uid], fields=["company_id"])
    [currency] = odoo.admin("res.company", "read", [company["company_id"][0]],
                            fields=["currency_id"])  # fmt: skip
    values = {"odoo_url": odoo.url, "odoo_db": odoo.db, "odoo_login": "oms_sync",
              "odoo_api_key": SYNC_PASSWORD, **overrides}  # fmt: skip
    return helpers.make_settings(redis_url, **values), currency["currency_id"][1]


def _odoo_base(db: str) -> list[str]:
    return [*odoo_env.odoo_command(db, ROOT), "--log-level=warn"]


def _demo_template() -> str:
    """A database with the addon and its demo data, built once per version of the addon and
    the engine (installing with demo data takes minutes; copying a template, seconds)."""
    digest = hashlib.sha256()
    for folder in (ROOT / "addons" / "oms_omnichannel", ROOT / "oms_engine"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    name = f"sync_e2e_tpl_{digest.hexdigest()[:12]}"
    if _pg_out("psql", "-d", "postgres", "-Atc",
               f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1":  # fmt: skip
        return name
    building = f"{name}_{os.getpid()}"
    _drop(building)
    install = subprocess.run([*_odoo_base(building), "-i", "oms_omnichannel",
                              "--stop-after-init", "--http-port=0"],
                             capture_output=True, text=True, timeout=1800)  # fmt: skip
    assert install.returncode == 0, install.stderr[-3000:]
    listed = _pg_out("psql", "-d", "postgres", "-Atc", "SELECT datname FROM pg_database")
    for stale in listed.split():  # templates of older versions of the addon
        if re.fullmatch(r"sync_e2e_tpl_[0-9a-f]{12}", stale) and stale != name:
            # Other worktrees on this machine build their own version's template: spare
            # those used within a day (dropping them made every run rebuild its own).
            store = Path(DATA_DIR) / "filestore" / stale
            if not store.exists() or time.time() - store.stat().st_mtime > 86_400:
                _drop(stale)
    # Renaming is atomic: a concurrent run either sees the finished template or builds its own.
    renamed = subprocess.run([_pg_bin("psql"), "-d", "postgres", "-c",
                              f'ALTER DATABASE "{building}" RENAME TO "{name}"'],
                             env=odoo_env.pg_env(), capture_output=True, text=True)  # fmt: skip
    if renamed.returncode == 0:
        _move_filestore(building, name)
    else:
        _drop(building)
    return name


_pg_bin = odoo_env.pg_bin


def _pg(tool: str, *args: str) -> None:
    subprocess.run([_pg_bin(tool), *args], env=odoo_env.pg_env(), check=True, capture_output=True)


def _pg_out(tool: str, *args: str) -> str:
    return subprocess.run([_pg_bin(tool), *args], env=odoo_env.pg_env(), capture_output=True,
                          text=True).stdout.strip()  # fmt: skip


def _drop(db: str) -> None:
    subprocess.run([_pg_bin("dropdb"), "--if-exists", "--force", db], env=odoo_env.pg_env(),
                   capture_output=True, check=False)  # fmt: skip
    shutil.rmtree(Path(DATA_DIR) / "filestore" / db, ignore_errors=True)


def _copy_filestore(source: str, target: str) -> None:
    origin = Path(DATA_DIR) / "filestore" / source
    if origin.exists():
        shutil.copytree(origin, Path(DATA_DIR) / "filestore" / target, dirs_exist_ok=True)


def _move_filestore(source: str, target: str) -> None:
    origin, moved = Path(DATA_DIR) / "filestore" / source, Path(DATA_DIR) / "filestore" / target
    if not origin.exists():
        return
    if moved.exists():  # left by a template of that name dropped meanwhile: same content
        shutil.copytree(origin, moved, dirs_exist_ok=True)
        shutil.rmtree(origin, ignore_errors=True)
    else:
        origin.rename(moved)


def _up(url: str) -> bool:
    try:
        return httpx.post(f"{url}/web/webclient/version_info", json={}, timeout=2).is_success
    except httpx.HTTPError:
        return False


def test_shopify_order_is_routed_split_shipped_and_fulfilled(
    odoo, redis_server, redis_client, tmp_path
):
    # The sync service's own user (demo data, group "OMS Integration") with its key.
    [sync_uid] = odoo.admin("res.users", "search", [["login", "=", "oms_sync"]])
    odoo.admin("res.users", "write", [sync_uid], {"password": SYNC_PASSWORD})

    [company] = odoo.admin("res.users", "read", [sync_uid], fields=["company_id"])
    [currency] = odoo.admin("res.company", "read", [company["company_id"][0]],
                            fields=["currency_id"])  # fmt: skip
    shop = ShopDouble()
    skus = odoo.admin("product.product", "search_read", [["default_code", "!=", False]],
                      fields=["default_code"])  # fmt: skip
    shop.variants.update({p["default_code"]: 900000 + p["id"] for p in skus})
    order = helpers.fixture("shopify_order.json")
    order.update(
        id=7400000001,
        name="#E2E1",
        updated_at="2026-11-26T10:15:00+01:00",
        currency=currency["currency_id"][1],
    )
    order["shipping_address"].update(
        first_name="Jonas",
        last_name="Weber",
        name="Jonas Weber",
        address1="Sendlinger Str. 12",
        city="München",
        zip="80331",
        country_code="DE",
        country="Germany",
    )
    order["billing_address"] = dict(order["shipping_address"])
    order["line_items"] = [
        {**order["line_items"][0], "id": 11, "sku": "SNEAK-WHT-42", "quantity": 1,
         "price": "59.00"},
        {**order["line_items"][0], "id": 12, "sku": "PBANK-20K", "quantity": 1,
         "price": "39.00"},
    ]  # fmt: skip
    shop.add_shopify_order(order)
    settings = helpers.make_settings(
        redis_server.url, odoo_url=odoo.url, odoo_db=odoo.db, odoo_login="oms_sync",
        odoo_api_key=SYNC_PASSWORD,
        channels={"webshop": {"provider": "shopify", "secret": helpers.SHOPIFY_SECRET,
                              "api_url": shop.url + SHOPIFY, "location_id": "1",
                              "access_token": "shpat_e2e"}},
    )  # fmt: skip
    api, api_url = start_api(settings, tmp_path)
    worker = start_worker(
        settings,
        tmp_path,
        OMS_OUTBOX_INTERVAL_S="0.5",
        OMS_ODOO_GATEWAY="sync_service.odoo_client:JsonRpcOdoo",
    )
    try:
        body, headers = helpers.shopify(order)
        assert (
            httpx.post(f"{api_url}/webhooks/webshop", content=body, headers=headers).status_code
            == 202
        )

        def sale_order():
            found = odoo.admin("sale.order", "search_read",
                               [["oms_external_id", "=", "7400000001"]],
                               fields=["name", "state", "picking_ids"])  # fmt: skip
            return found[0] if found else None

        wait_until(
            lambda: sale_order() is not None, what="the order in Odoo", timeout=120, process=worker
        )
        so = sale_order()
        assert so["state"] == "sale"
        pickings = odoo.admin("stock.picking", "read", so["picking_ids"],
                              fields=["name", "picking_type_id", "move_ids"])  # fmt: skip
        for n, picking in enumerate(pickings):
            for move in odoo.admin("stock.move", "read", picking["move_ids"],
                                   fields=["product_uom_qty"]):  # fmt: skip
                odoo.admin(
                    "stock.move",
                    "write",
                    [move["id"]],
                    {"quantity": move["product_uom_qty"], "picked": True},
                )
            odoo.admin(
                "stock.picking",
                "write",
                [picking["id"]],
                {"carrier_tracking_ref": f"E2E-TRACK-{n}"},
            )
            odoo.admin(
                "stock.picking",
                "button_validate",
                [picking["id"]],
                context={"skip_backorder": True, "skip_sms": True},
            )

        wait_until(lambda: len(shop.fulfillments.get("7400000001", [])) == len(pickings),
                   what="one fulfilment per delivery pushed to Shopify", timeout=120,
                   process=worker)  # fmt: skip
        time.sleep(1.5)  # a few more outbox ticks: nothing may be pushed twice
        fulfillments = shop.fulfillments["7400000001"]
        assert sorted(f["tracking_number"] for f in fulfillments) == [
            f"E2E-TRACK-{n}" for n in range(len(pickings))
        ]
        assert sorted(li["id"] for f in fulfillments for li in f["line_items"]) == [11, 12]
        # Sneakers are not in the dangerous-goods DC, the power bank only is: the router
        # must split the order into deliveries from two warehouses.
        warehouses = {p["picking_type_id"][0] for p in pickings}
        assert len(pickings) == 2 and len(warehouses) == 2, pickings

        # Carrier scans reach the delivery; a late scan does not move it backwards.
        for event_id, status in (("evt_e2e_2", "out_for_delivery"), ("evt_e2e_1", "in_transit")):
            scan = helpers.fixture("easypost_tracker_updated.json")
            scan["id"] = event_id
            scan["result"].update(tracking_code="E2E-TRACK-0", status=status)
            body, headers = helpers.easypost(scan)
            assert (
                httpx.post(
                    f"{api_url}/webhooks/carriers/dhl", content=body, headers=headers
                ).status_code
                == 202
            )

        def tracking_status():
            [picking] = odoo.admin("stock.picking", "search_read",
                                   [["carrier_tracking_ref", "=", "E2E-TRACK-0"]],
                                   fields=["oms_tracking_status"])  # fmt: skip
            return picking["oms_tracking_status"]

        wait_until(lambda: tracking_status() == "out_for_delivery"
                   and redis_client.xlen("oms:inbox") == 0,
                   what="the scans applied", timeout=120, process=worker)  # fmt: skip
        assert tracking_status() == "out_for_delivery"
    finally:
        worker.stop()
        api.stop()
        shop.close()


def test_update_before_create_makes_one_order_in_odoo(odoo, redis_server, redis_client, tmp_path):
    [sync_uid] = odoo.admin("res.users", "search", [["login", "=", "oms_sync"]])
    odoo.admin("res.users", "write", [sync_uid], {"password": SYNC_PASSWORD})
    [company] = odoo.admin("res.users", "read", [sync_uid], fields=["company_id"])
    [currency] = odoo.admin("res.company", "read", [company["company_id"][0]],
                            fields=["currency_id"])  # fmt: skip
    settings = helpers.make_settings(
        redis_server.url,
        odoo_url=odoo.url,
        odoo_db=odoo.db,
        odoo_login="oms_sync",
        odoo_api_key=SYNC_PASSWORD,
        channels={"webshop": {"provider": "shopify", "secret": helpers.SHOPIFY_SECRET}},
    )
    base = helpers.fixture("shopify_order.json")
    base["currency"] = currency["currency_id"][1]
    base["shipping_address"].update(
        address1="Torstr. 120", city="Berlin", zip="10119", country_code="DE", country="Germany"
    )
    base["line_items"][0].update(sku="MUG-STONE", price="12.50", quantity=1)
    update = helpers.shopify_order(7400000002, "2026-11-26T11:00:00Z", financial_status="paid",
                                   **{k: v for k, v in base.items()
                                      if k not in ("id", "name", "updated_at",
                                                   "financial_status")})  # fmt: skip
    create = {**update, "updated_at": "2026-11-26T10:00:00Z", "financial_status": "pending"}
    api, api_url = start_api(settings, tmp_path)
    worker = start_worker(
        settings, tmp_path, OMS_ODOO_GATEWAY="sync_service.odoo_client:JsonRpcOdoo"
    )
    try:
        for payload, topic in ((update, "orders/updated"), (create, "orders/create")):
            body, headers = helpers.shopify(payload, topic=topic)
            assert httpx.post(
                f"{api_url}/webhooks/webshop", content=body, headers=headers
            ).is_success

        def orders():
            return odoo.admin(
                "sale.order",
                "search_read",
                [["oms_external_id", "=", "7400000002"]],
                fields=["state", "oms_payment_status", "oms_external_version"],
            )

        wait_until(lambda: orders() and redis_client.xlen("oms:inbox") == 0,
                   what="the order in Odoo", timeout=120, process=worker)  # fmt: skip
    finally:
        worker.stop()
        api.stop()
    [order] = orders()
    assert order["state"] == "sale"
    assert order["oms_payment_status"] == "paid"  # the update's content created the order
