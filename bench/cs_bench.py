"""Customer-service API end to end against a real Odoo 18: `python -m bench cs [--quick]
[--json=PATH] [--lookups=N] [--changes=N]`.

Needs Odoo 18 importable (ODOO_PYTHON, ODOO_HOME, ODOO_DB_HOST/PORT/USER, ODOO_DATA_DIR as for
tests/sync/test_e2e_odoo.py), PostgreSQL and redis-server; without them it says so and exits 0.

The stack: odoo-bin (`--workers=2`) on a copy of the addon's demo database, redis-server
(`appendonly yes`), the sync service's API under uvicorn (1 worker) with the customer-service
API's settings. Orders are created through `oms.intake.ingest_orders` (each its own customer),
then one client at a time, as an agent on the phone, calls:

- `/cs/v1/orders/status` (`--lookups`, 300; 100 with --quick), each on another order;
- `/cs/v1/orders/cancel` of one unit, `/orders/change-address` to another city, and
  `/orders/change-delivery-mode` to a pickup store (`--changes` each, 60; 20 with --quick),
  each on another order.

Latency is the client's wall clock, request sent to answer read. Baselines in the same
process, on the same orders' kind: the same Odoo door called directly over JSON-RPC (what the
API adds on top), and the API's `/health` (the HTTP stack alone). Targets (issue 15): status
p99 <= 50 ms, cancel/change p99 <= 500 ms.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WARM_UP = 20
CS_KEY = "cs_bench_agent_0123456789"
SYNC_KEY = "bench-sync-key"
CS_PASSWORD = "bench-cs-key"


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return {
        "n": len(ordered),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(ordered[-1], 1),
    }


def timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000.0, result


class Bench:
    def __init__(self, odoo_url: str, db: str, api_url: str) -> None:
        import httpx

        self.odoo_url, self.db, self.api_url = odoo_url, db, api_url
        self.http = httpx.Client(timeout=120)
        self.uids: dict[str, int] = {}

    def rpc(self, login: str, password: str, model: str, method: str, *args, **kwargs):
        uid = self.uids.get(login) or self._login(login, password)
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [self.db, uid, password, model, method, list(args), kwargs],
            },
        }
        answer = self.http.post(f"{self.odoo_url}/jsonrpc", json=body).json()
        if "error" in answer:
            raise RuntimeError(answer["error"]["data"]["message"])
        return answer.get("result")

    def _login(self, login: str, password: str) -> int:
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"service": "common", "method": "login", "args": [self.db, login, password]},
        }
        self.uids[login] = self.http.post(f"{self.odoo_url}/jsonrpc", json=body).json()["result"]
        return self.uids[login]

    def admin(self, model: str, method: str, *args, **kwargs):
        return self.rpc("admin", "admin", model, method, *args, **kwargs)

    def api(self, path: str, body: dict, key: str | None = None):
        headers = {"Authorization": f"Bearer {CS_KEY}"}
        if key:
            headers["Idempotency-Key"] = key
        return self.http.post(f"{self.api_url}/cs/v1{path}", json=body, headers=headers)

    def setup(self, orders: int) -> list[dict]:
        """The users, stock and ``orders`` orders of 3 mugs (each its own customer)."""
        [sync_uid] = self.admin("res.users", "search", [["login", "=", "oms_sync"]])
        self.admin("res.users", "write", [sync_uid], {"password": SYNC_KEY})
        [user] = self.admin("res.users", "read", [sync_uid], fields=["company_id"])
        company = user["company_id"][0]
        [currency] = self.admin("res.company", "read", [company], fields=["currency_id"])
        group = self.admin(
            "ir.model.data",
            "check_object_reference",
            "oms_omnichannel",
            "group_oms_customer_service_api",
        )[1]
        internal = self.admin("ir.model.data", "check_object_reference", "base", "group_user")[1]
        self.admin(
            "res.users",
            "create",
            {
                "name": "Bench customer service",
                "login": "oms_cs_bench",
                "password": CS_PASSWORD,
                "company_id": company,
                "company_ids": [[6, 0, [company]]],
                "groups_id": [[6, 0, [internal, group]]],
            },
        )
        [mug] = self.admin("product.product", "search", [["default_code", "=", "MUG-STONE"]])
        for warehouse in self.admin(
            "stock.warehouse",
            "search",
            [["oms_node_kind", "=", "dc"], ["company_id", "=", company]],
        ):
            [stock] = self.admin("stock.warehouse", "read", [warehouse], fields=["lot_stock_id"])
            self.admin(
                "stock.quant",
                "create",
                {
                    "product_id": mug,
                    "location_id": stock["lot_stock_id"][0],
                    "inventory_quantity": 100000,
                },
                context={"inventory_mode": True, "allowed_company_ids": [company]},
            )
        quants = self.admin(
            "stock.quant",
            "search",
            [
                ["product_id", "=", mug],
                ["inventory_quantity_set", "=", True],
                ["company_id", "=", company],
            ],
        )
        self.admin(
            "stock.quant",
            "action_apply_inventory",
            quants,
            context={"inventory_mode": True, "allowed_company_ids": [company]},
        )
        created = []
        for start in range(0, orders, 25):
            batch = [
                self._order(n, currency["currency_id"][1])
                for n in range(start, min(orders, start + 25))
            ]
            results = self.rpc("oms_sync", SYNC_KEY, "oms.intake", "ingest_orders", batch)
            for payload, result in zip(batch, results, strict=True):
                assert result["status"] == "created", result
                created.append(
                    {
                        "order": payload["name"],
                        "email": payload["customer"]["email"],
                        "odoo": result["order_name"],
                    }
                )
        return created

    @staticmethod
    def _order(n: int, currency: str) -> dict:
        return {
            "channel": "webshop",
            "external_id": f"cs-bench-{n}",
            "external_version": 1,
            "status": "open",
            "name": f"#CSB{n:05d}",
            "currency": currency,
            "customer": {"email": f"cs-bench-{n}@example.com", "name": f"Bench Customer {n}"},
            "shipping_address": {
                "name": f"Bench Customer {n}",
                "street": "Torstr. 120",
                "city": "Berlin",
                "zip": "10119",
                "country_code": "DE",
            },
            "lines": [
                {"external_id": f"l{n}", "sku": "MUG-STONE", "quantity": 3, "unit_price": "12.50"}
            ],
            "shipping_price": "4.90",
            "payment": {"status": "paid", "method": "card", "amount": "42.40"},
        }


def run(quick: bool, lookups: int | None, changes: int | None, workdir: Path) -> dict:
    from tests import odoo_env

    reason = odoo_env.why_no_odoo()
    if reason:
        return {"skipped": reason}
    from bench.sync_bench import _free_port, _start_odoo, _stop, _wait, start_redis
    from tests.sync.test_e2e_odoo import _copy_filestore, _demo_template, _drop, _pg, _up

    lookups = lookups or (100 if quick else 300)
    changes = changes or (20 if quick else 60)
    db = f"cs_bench_{os.getpid()}"
    _drop(db)
    template = _demo_template()
    _pg("createdb", "-T", template, db)
    _copy_filestore(template, db)
    port = _free_port()
    serve = [
        *odoo_env.odoo_command(db, ROOT),
        "--log-level=warn",
        f"--http-port={port}",
        "--http-interface=127.0.0.1",
        f"--db-filter=^{db}$",
        "--workers=2",
        "--max-cron-threads=0",
    ]
    odoo = _start_odoo(serve, workdir / "odoo.log")
    odoo_url = f"http://127.0.0.1:{port}"
    redis_proc = api = None
    try:
        _wait(lambda: _up(odoo_url), "odoo-bin", timeout=120)
        redis_proc, redis_port = start_redis(workdir, "always")
        api_port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("OMS_")}
        env.update(
            {
                "PYTHONPATH": str(ROOT),
                "OMS_ENVIRONMENT": "test",
                "OMS_LOG_LEVEL": "WARNING",
                "OMS_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "OMS_ODOO_URL": odoo_url,
                "OMS_ODOO_DB": db,
                "OMS_ODOO_LOGIN": "oms_sync",
                "OMS_ODOO_API_KEY": SYNC_KEY,
                "OMS_CS_ODOO_LOGIN": "oms_cs_bench",
                "OMS_CS_ODOO_API_KEY": CS_PASSWORD,
                "OMS_CS_CLIENTS": json.dumps(
                    {
                        "bench": {
                            "name": "Bench agent",
                            "key": CS_KEY,
                            "scopes": ["read", "cancel", "change"],
                            "rate_per_minute": 100000,
                            "failed_lookups_per_hour": 100000,
                        }
                    }
                ),
            }
        )
        with (workdir / "api.log").open("ab") as log:
            api = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "sync_service",
                    "api",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(api_port),
                    "--workers",
                    "1",
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        api_url = f"http://127.0.0.1:{api_port}"
        bench = Bench(odoo_url, db, api_url)
        _wait(lambda: _answers(bench, api_url), "the API", timeout=60)
        orders = bench.setup(WARM_UP + lookups + 3 * changes)
        return measure(bench, orders, lookups, changes)
    finally:
        for proc in (api, odoo):
            _stop(proc)
        if redis_proc is not None:  # not in a session of its own
            redis_proc.terminate()
            redis_proc.wait(timeout=30)
        _drop(db)


def _answers(bench: Bench, url: str) -> bool:
    try:
        return bench.http.get(f"{url}/health", timeout=2).status_code in (200, 503)
    except Exception:
        return False


def measure(bench: Bench, orders: list[dict], lookups: int, changes: int) -> dict:
    def identity(order):
        return {"order": order["order"], "email": order["email"]}

    warm, rest = orders[:WARM_UP], orders[WARM_UP:]
    for order in warm:  # Odoo's two workers load the registry and fill their caches
        assert bench.api("/orders/status", {"identity": identity(order)}).status_code == 200
        bench.rpc(
            "oms_cs_bench",
            CS_PASSWORD,
            "oms.customer.service",
            "order_status",
            identity(order),
            client="Bench agent",
        )
    status, direct, health = [], [], []
    for order in rest[:lookups]:
        ms, reply = timed(lambda o=order: bench.api("/orders/status", {"identity": identity(o)}))
        assert reply.status_code == 200, reply.text
        status.append(ms)
        ms, _ = timed(
            lambda o=order: bench.rpc(
                "oms_cs_bench",
                CS_PASSWORD,
                "oms.customer.service",
                "order_status",
                identity(o),
                client="Bench agent",
            )
        )
        direct.append(ms)
        ms, _ = timed(lambda: bench.http.get(f"{bench.api_url}/health"))
        health.append(ms)
    pool = iter(rest[lookups:])
    results = {
        "status_lookup": percentiles(status),
        "baseline_status_door_direct": percentiles(direct),
        "baseline_api_health": percentiles(health),
    }
    calls = {
        "cancel_one_unit": (
            "/orders/cancel",
            lambda o: {"identity": identity(o), "lines": [{"sku": "MUG-STONE", "quantity": 1}]},
        ),
        "change_address": (
            "/orders/change-address",
            lambda o: {
                "identity": identity(o),
                "address": {
                    "name": "Bench",
                    "street": "Sendlinger Str. 12",
                    "city": "München",
                    "zip": "80331",
                    "country_code": "DE",
                },
            },
        ),
        "change_to_pickup": (
            "/orders/change-delivery-mode",
            lambda o: {"identity": identity(o), "mode": "pickup", "pickup_store": "CGN"},
        ),
    }
    for name, (path, body) in calls.items():
        samples = []
        for n in range(changes):
            order = next(pool)
            request = body(order)
            ms, reply = timed(lambda p=path, r=request, k=f"{name}-{n}": bench.api(p, r, key=k))
            assert reply.status_code == 200, reply.text
            samples.append(ms)
        results[name] = percentiles(samples)
    return results


def main(argv: list[str]) -> int:
    import tempfile

    quick = "--quick" in argv
    options = dict(arg.removeprefix("--").split("=", 1) for arg in argv if "=" in arg)
    with tempfile.TemporaryDirectory(prefix="cs-bench-") as tmp:
        started = time.perf_counter()
        result = run(
            quick,
            int(options.get("lookups", 0)) or None,
            int(options.get("changes", 0)) or None,
            Path(tmp),
        )
        result["seconds"] = round(time.perf_counter() - started, 1)
    result["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_avg": os.getloadavg(),
    }
    print(json.dumps(result, indent=2))
    if "json" in options:
        Path(options["json"]).write_text(json.dumps(result, indent=2))
    if "skipped" in result:
        return 0
    met = result["status_lookup"]["p99_ms"] <= 50 and all(
        result[name]["p99_ms"] <= 500
        for name in ("cancel_one_unit", "change_address", "change_to_pickup")
    )
    print("targets (status p99 <= 50 ms, changes p99 <= 500 ms):", "met" if met else "NOT met")
    if not quick:
        from bench import write_section

        write_section("cs", report(result, met))
    return 0


LABELS = {
    "status_lookup": "`/cs/v1/orders/status` (target p99 <= 50 ms)",
    "baseline_status_door_direct": "baseline: the same Odoo door over JSON-RPC",
    "baseline_api_health": "baseline: the API's `/health` (HTTP stack alone)",
    "cancel_one_unit": "`/orders/cancel`, one unit (target p99 <= 500 ms)",
    "change_address": "`/orders/change-address`, another city (target p99 <= 500 ms)",
    "change_to_pickup": "`/orders/change-delivery-mode` to a pickup store (target p99 <= 500 ms)",
}


def report(result: dict, met: bool) -> str:
    """The section of docs/benchmarks.md: each call's percentiles beside its baselines."""
    from bench import machine_summary

    m = machine_summary()
    load = result["machine"]["load_avg"]
    rows = "\n".join(
        f"| {label} | {result[key]['n']} | {result[key]['p50_ms']:.1f} | "
        f"{result[key]['p95_ms']:.1f} | {result[key]['p99_ms']:.1f} | {result[key]['max_ms']:.1f} |"
        for key, label in LABELS.items()
    )
    ratio = result["status_lookup"]["p50_ms"] / result["baseline_status_door_direct"]["p50_ms"]
    return f"""## Customer service: the API end to end against Odoo 18

`python -m bench cs` - {m["date"]}, commit {m["commit"]}, {m["cpu"]}, {m["cores"]} cores,
Python {m["python"]}; odoo-bin with two workers on a copy of the demo database, redis-server,
the API under uvicorn, all on this machine (load average at the end {load[0]:.1f}). One agent
at a time, each call on another order; latency is the client's, request sent to answer read.

| call | n | p50 ms | p95 ms | p99 ms | max ms |
|---|---:|---:|---:|---:|---:|
{rows}

The API adds {ratio:.2f}x to the Odoo door's median (validation, the agent's key and scopes,
the answer's shape). Targets (issue 15): {"met" if met else "**not met**"}. Run in
{result["seconds"]:.0f} s.
"""
