"""Webhook acceptance: how many signed shop webhooks the API verifies, stores durably and
acknowledges per second, and the acknowledgement latency at a steady 1,000/s.

`python -m bench sync [--quick] [--workers=N] [--fsync=always|everysec] [--log-level=L]
[--json=PATH] [--odoo [--odoo-only] [--sustained=N] [--backlog=N] [--odoo-down-s=S]
[--worker-concurrency=N] [--lanes=N] [--catalog=N] [--zipf=S] [--outage-s=S
[--outage-rate=R]]] [--accept-old=REV]`

With `--odoo` (and Odoo 18 importable: ODOO_PYTHON, ODOO_HOME, ODOO_DB_HOST/PORT/USER,
ODOO_DATA_DIR as for tests/sync/test_e2e_odoo.py) it also measures webhook -> confirmed Odoo
order: latency at a sustained 20 orders/s (`--sustained`, 1,200 orders; 300 with --quick; 0
skips it), and the time to drain a backlog (`--backlog`, 1,000; 200 with --quick): odoo-bin
is stopped, the orders are accepted while the worker's attempts fail into its retry set,
odoo-bin is started again after `--odoo-down-s` (10 s), and the clock runs from that restart
until every order is created in Odoo (dead letters are counted: there should be none).
`--outage-s=S` (0: skipped) adds an outage: odoo-bin is stopped while orders arrive at
`--outage-rate` (20/s) for S seconds, with the worker at the service's default retry budget;
then started again, and the clock runs until every one of them is in Odoo (dead letters
counted: there must be none). `--odoo-only` skips the acceptance part, `--backlog=0` the
backlog; `--worker-concurrency=N`
(2) is the Celery worker's, `--lanes=N` (2) its `OMS_INGEST_LANES`. A fresh database with the
addon and its demo data is created for it (about a minute) and dropped after, with a catalog
of `--catalog` SKUs (1,000; 0 = every order is the demo's T-shirt and mug, as the bench was
before) stocked at the demo's distribution centres. Each order has two distinct SKUs drawn by
Zipf popularity (`--zipf`, exponent 1.0, as the engine bench's) and its own customer.

Real redis-server (own port, temp dir, append-only file on) and the real app under uvicorn on
127.0.0.1, driven by a minimal keep-alive HTTP/1.1 client on asyncio streams. Every request
is a distinct, correctly signed Shopify orders/create delivery (signed before the clock
starts). Latency is measured from each request's scheduled send time (open loop), so a stall
shows up as latency instead of silently lowering the offered rate. Bounded loops only.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECRET = "shpss_bench_secret_0123456789"
FIXTURE = ROOT / "tests" / "sync" / "fixtures" / "shopify_order.json"
WARM_UP = 60  # orders sent at 20/s and confirmed before the sustained run is measured


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(predicate, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def start_redis(workdir: Path, fsync: str) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir),
         "--appendonly", "yes", "--appendfsync", fsync, "--save", ""],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def up() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    _wait(up, "redis-server")
    return proc, port


def start_api(redis_port: int, workers: int, log_level: str) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMS_")}
    env.update({
        "PYTHONPATH": str(ROOT),
        "OMS_ENVIRONMENT": "test",
        "OMS_LOG_LEVEL": log_level,
        "OMS_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "OMS_ODOO_API_KEY": "bench",
        "OMS_CHANNELS": json.dumps({"webshop": {"provider": "shopify", "secret": SECRET}}),
    })  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync_service", "api", "--host", "127.0.0.1", "--port",
         str(port), "--workers", str(workers)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip

    def up() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    _wait(up, "the API")
    time.sleep(1.0)  # every uvicorn worker process up, not just the first
    return proc, port


def signed_requests(count: int, start: int = 0) -> list[bytes]:
    """Distinct Shopify deliveries (own webhook id, own order id), signed up front."""
    template = json.loads(FIXTURE.read_text())
    out = []
    for n in range(start, start + count):
        template["id"] = 9_000_000_000 + n
        template["name"] = f"#B{n}"
        body = json.dumps(template, separators=(",", ":")).encode()
        digest = hmac.new(SECRET.encode(), body, hashlib.sha256).digest()
        head = (
            "POST /webhooks/webshop HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
            "X-Shopify-Topic: orders/create\r\n"
            f"X-Shopify-Hmac-Sha256: {base64.b64encode(digest).decode()}\r\n"
            f"X-Shopify-Webhook-Id: bench-{n}\r\n\r\n"
        )
        out.append(head.encode() + body)
    return out


async def _exchange(reader, writer, request: bytes) -> int:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return int(head[9:12])


async def throughput(port: int, requests: list[bytes], connections: int) -> dict:
    queue = list(reversed(requests))
    statuses: dict[int, int] = {}

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while queue:
            status = await _exchange(reader, writer, queue.pop())
            statuses[status] = statuses.get(status, 0) + 1
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*[client() for _ in range(connections)])
    elapsed = time.perf_counter() - started
    return {"requests": len(requests), "seconds": round(elapsed, 3),
            "events_per_s": round(len(requests) / elapsed), "statuses": statuses}  # fmt: skip


async def steady_rate(port: int, requests: list[bytes], rate: float, connections: int) -> dict:
    pool: asyncio.Queue = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    loop = asyncio.get_running_loop()
    t0 = loop.time() + 0.1

    async def one(index: int, request: bytes) -> None:
        scheduled = t0 + index / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        reader, writer = await pool.get()
        try:
            status = await _exchange(reader, writer, request)
        finally:
            pool.put_nowait((reader, writer))
        latencies.append(loop.time() - scheduled)
        statuses[status] = statuses.get(status, 0) + 1

    await asyncio.gather(*[one(i, r) for i, r in enumerate(requests)])
    achieved = len(requests) / (loop.time() - t0)
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2)

    return {"requests": len(requests), "offered_per_s": rate, "achieved_per_s": round(achieved),
            "p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": round(latencies[-1] * 1000, 2),
            "statuses": statuses}  # fmt: skip


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


def _postgres_backends(db: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving ``db`` (Odoo keeps its
    connections open, so a backend lives through the run)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if title.startswith("postgres: ") and f" {db} " in title:
                found[int(entry.name)] = _cpu_seconds([int(entry.name)])
    return found


def _postgres_cpu_since(db: str, before: dict[int, float]) -> float:
    """CPU spent by ``db``'s backends since ``before`` (new backends from their start)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in _postgres_backends(db).items())


def _stream_length(redis_port: int) -> int:
    with socket.create_connection(("127.0.0.1", redis_port)) as sock:
        sock.sendall(b"XLEN oms:inbox\r\n")
        return int(sock.recv(64).strip()[1:])


# ------------------------------------------------------------ webhook -> confirmed Odoo order


def _sync_env(redis_port: int, odoo_url: str, db: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMS_")}
    env.update({
        "PYTHONPATH": str(ROOT), "OMS_ENVIRONMENT": "test", "OMS_LOG_LEVEL": "WARNING",
        "OMS_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "OMS_ODOO_URL": odoo_url,
        "OMS_ODOO_DB": db, "OMS_ODOO_LOGIN": "oms_sync", "OMS_ODOO_API_KEY": "bench-sync-key",
        "OMS_CHANNELS": json.dumps({"webshop": {"provider": "shopify", "secret": SECRET}}),
        "OMS_INGEST_INTERVAL_S": "0.25", "OMS_OUTBOX_INTERVAL_S": "3600",
        "OMS_RECONCILE_INTERVAL_S": "3600", "OMS_CARRIER_POLL_INTERVAL_S": "3600",
        "OMS_RETRY_BASE_S": "0.5", "OMS_RETRY_MAX_S": "5", "OMS_INGEST_MAX_ATTEMPTS": "20",
    })  # fmt: skip
    env.update(extra)
    return env


# The bench's catalog (--catalog N SKUs): created in the bench database before the orders
# arrive, N products stocked at every distribution centre of the demo network.
CATALOG_SCRIPT = """
products = env["product.product"].create([
    {"name": f"Bench article {n:05d}", "default_code": f"BENCH-{n:05d}", "type": "consu",
     "is_storable": True, "list_price": 19.9, "weight": 0.4}
    for n in range(%d)])
for warehouse in env["stock.warehouse"].search([("oms_node_kind", "=", "dc")]):
    for product in products:
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 100000)
env.cr.commit()
print("catalog", len(products))
"""


def create_catalog(base: list[str], size: int) -> None:
    """``size`` products stocked at the DCs, through odoo-bin shell (a bench fixture)."""
    shell = [base[0], base[1], "shell", *base[2:], "--no-http"]
    done = subprocess.run(shell, input=CATALOG_SCRIPT % size, text=True, capture_output=True,
                          check=True, timeout=1800)  # fmt: skip
    if f"catalog {size}" not in done.stdout:
        raise RuntimeError(f"catalog not created: {done.stdout[-500:]} {done.stderr[-500:]}")


def catalog_skus(count: int, start: int, catalog: int, zipf: float) -> list[tuple[str, str]]:
    """Two distinct SKUs per order, drawn by popularity (Zipf with exponent ``zipf`` over the
    catalog's ranks), seeded by the order's number: the same orders every run. Without a
    catalog, every order is the demo's T-shirt and mug (the bench before 2026-11-26 evening)."""
    if not catalog:
        return [("TSHIRT-BLK-M", "MUG-STONE")] * count
    import random

    weights = [1.0 / (rank + 1) ** zipf for rank in range(catalog)]
    ranks = range(catalog)
    out = []
    for n in range(start, start + count):
        rng = random.Random(n)
        first = rng.choices(ranks, weights)[0]
        second = first
        while second == first:
            second = rng.choices(ranks, weights)[0]
        out.append((f"BENCH-{first:05d}", f"BENCH-{second:05d}"))
    return out


def _odoo_order_requests(count: int, start: int, currency: str, catalog: int = 0,
                         zipf: float = 1.0) -> list[bytes]:  # fmt: skip
    template = json.loads(FIXTURE.read_text())
    template["currency"] = currency
    template["shipping_address"].update(
        first_name="Jonas", last_name="Weber", name="Jonas Weber", address1="Sendlinger Str. 12",
        city="München", zip="80331", country_code="DE", country="Germany")  # fmt: skip
    template["billing_address"] = dict(template["shipping_address"])
    line = template["line_items"][0]
    out = []
    skus = catalog_skus(count, start, catalog, zipf)
    for n, (first, second) in zip(range(start, start + count), skus, strict=True):
        template["line_items"] = [
            {**line, "id": 1, "sku": first, "quantity": 1, "price": "19.90"},
            {**line, "id": 2, "sku": second, "quantity": 1, "price": "12.50"},
        ]
        if catalog:
            # A shop's customers, not one customer placing every order.
            email = f"customer{n}@example.com"
            template.update(email=email, contact_email=email)
            template["customer"] = dict(template["customer"], id=9_000_000 + n, email=email)
        template["id"] = 8_000_000_000 + n
        template["name"] = f"#O{n}"
        body = json.dumps(template, separators=(",", ":")).encode()
        digest = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest())
        out.append(
            b"POST /webhooks/webshop HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nX-Shopify-Topic: orders/create\r\n"
            + f"Content-Length: {len(body)}\r\nX-Shopify-Hmac-Sha256: {digest.decode()}\r\n"
            f"X-Shopify-Webhook-Id: odoo-bench-{n}\r\n\r\n".encode()
            + body
        )
    return out


def _redis_cmd(port: int, *args: str):
    import redis

    return redis.Redis(port=port).execute_command(*args)


def _ingested(redis_port: int) -> int:
    raw = _redis_cmd(redis_port, "HGET", "oms:stats", "ingested:order:created") or 0
    return int(raw)


def _start_worker(env: dict[str, str], workdir: Path, concurrency: int = 2) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "sync_service.worker.celery_app", "worker", "-B",
         "-s", str(workdir / "beat"), "--concurrency", str(concurrency), "--loglevel",
         "WARNING"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is not None and proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


def _start_odoo(command: list[str], log: Path) -> subprocess.Popen:
    """odoo-bin, its output appended to ``log`` (read back for tracebacks: a crashing Odoo
    process respawned again and again - e.g. the prefork server's gevent worker when gevent
    cannot load its plugins - eats the cores the figures are about)."""
    with log.open("ab") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip


def _tracebacks(log: Path) -> int:
    return log.read_text(errors="replace").count("Traceback (most recent call last)")


def _dead_letters(redis_port: int) -> int:
    return int(_redis_cmd(redis_port, "XLEN", "oms:inbox:dead"))


def outage_phase(odoo, serve, odoo_log, url, api_port, redis_port, requests, rate):
    """Odoo stopped while ``requests`` arrive at ``rate``/s (all accepted, none may become a
    dead letter), then started again: how soon the first held order is in Odoo, and how long
    until every one is. The worker runs with the service's default retry settings."""
    import threading

    import httpx

    before = _ingested(redis_port)
    stopped = time.perf_counter()
    _stop(odoo)
    sent: dict = {}
    sender = threading.Thread(
        target=lambda: sent.update(asyncio.run(steady_rate(api_port, requests, rate, 8)))
    )
    sender.start()
    peak = 0
    while sender.is_alive():
        sender.join(timeout=10)
        peak = max(peak, _stream_length(redis_port))
    health = httpx.get(f"http://127.0.0.1:{api_port}/health", timeout=30).json()
    down_s = time.perf_counter() - stopped
    restarted = time.perf_counter()
    odoo = _start_odoo(serve, odoo_log)
    _wait(lambda: _http_up(url), "odoo-bin after the outage", timeout=300)
    answering = time.perf_counter() - restarted
    _wait(lambda: _ingested(redis_port) > before, "the first held order in Odoo", 600)
    first = time.perf_counter() - restarted
    _wait(lambda: _ingested(redis_port) >= before + len(requests), "outage drained", 7200)
    drained = time.perf_counter() - restarted
    stats = {k.decode(): int(v) for k, v in
             _redis_cmd(redis_port, "HGETALL", "oms:stats").items()}  # fmt: skip
    return odoo, {
        "orders": len(requests), "offered_per_s": rate, "accepted_statuses": sent["statuses"],
        "webhook_p99_ms": sent["p99_ms"], "odoo_down_s": round(down_s, 1),
        "inbox_peak": peak, "alerts_at_the_end_of_the_outage": [
            a["alert"] for a in health.get("alerts", [])],
        "odoo_answering_after_s": round(answering, 1),
        "first_held_order_in_odoo_after_s": round(first, 1),
        "drain_s": round(drained, 1), "orders_per_s": round(len(requests) / drained, 1),
        "dead_letters": _dead_letters(redis_port),
        "attempts_spent_on_the_outage": stats.get("retry:order", 0) + stats.get("dead:order", 0),
        "odoo_probes_failed": stats.get("odoo:unavailable", 0),
    }  # fmt: skip


def _restart_worker(worker, redis_port, url, db, workdir, lanes, concurrency):
    """The worker again, with the service's default retry budget (6 attempts, 2 s base)."""
    _stop(worker)
    env = _sync_env(redis_port, url, db, OMS_INGEST_LANES=str(lanes))
    for name in ("OMS_RETRY_BASE_S", "OMS_RETRY_MAX_S", "OMS_INGEST_MAX_ATTEMPTS"):
        env.pop(name)
    return _start_worker(env, workdir, concurrency)


def odoo_phase(quick: bool, workdir: Path, sustained: int | None = None,
               backlog: int | None = None, down_s: float = 10.0,
               worker_concurrency: int = 2, lanes: int = 2, catalog: int = 1000,
               zipf: float = 1.0, outage_s: float = 0.0,
               outage_rate: float = 20.0, sustained_rate: float = 20.0) -> dict:  # fmt: skip
    from tests import odoo_env

    reason = odoo_env.why_no_odoo()
    if reason:
        return {"skipped": reason}
    import httpx

    db = f"sync_bench_{os.getpid()}"
    base = [*odoo_env.odoo_command(db, ROOT), "--log-level=warn"]
    started = time.perf_counter()
    subprocess.run([*base, "-i", "oms_omnichannel", "--stop-after-init", "--http-port=0"],
                   check=True, capture_output=True, timeout=1800)  # fmt: skip
    result: dict = {"install_s": round(time.perf_counter() - started, 1)}
    if catalog:
        started = time.perf_counter()
        create_catalog(base, catalog)
        result["catalog"] = {"skus": catalog, "zipf": zipf,
                             "created_s": round(time.perf_counter() - started, 1)}  # fmt: skip
    port = _free_port()
    serve = [*base, f"--http-port={port}", "--http-interface=127.0.0.1", f"--db-filter=^{db}$",
             f"--workers={max(2, lanes)}", "--max-cron-threads=0"]  # fmt: skip
    odoo_log = workdir / "odoo.log"
    odoo = _start_odoo(serve, odoo_log)
    url = f"http://127.0.0.1:{port}"
    redis_proc = api_proc = worker = None
    try:

        def rpc(model, method, *args, **kw):
            body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "service": "object", "method": "execute_kw",
                "args": [db, 2, "admin", model, method, list(args), kw]}}  # fmt: skip
            return httpx.post(f"{url}/jsonrpc", json=body, timeout=60).json()["result"]

        _wait(lambda: _http_up(url), "odoo-bin", timeout=120)
        [uid] = rpc("res.users", "search", [["login", "=", "oms_sync"]])
        rpc("res.users", "write", [uid], {"password": "bench-sync-key"})
        [user] = rpc("res.users", "read", [uid], fields=["company_id"])
        [company] = rpc("res.company", "read", [user["company_id"][0]], fields=["currency_id"])
        currency = company["currency_id"][1]

        redis_proc, redis_port = start_redis(workdir, "always")
        env = _sync_env(redis_port, url, db, OMS_INGEST_LANES=str(lanes))
        api_proc, api_port = start_api(redis_port, 1, "WARNING")
        worker = _start_worker(env, workdir, worker_concurrency)
        result["worker_concurrency"] = worker_concurrency
        result["ingest_lanes"] = lanes

        # Sustained 20 orders/s, after a warm-up: Odoo's HTTP workers load the registry and
        # fill their caches on their first calls (seconds), which a running shop's Odoo did
        # long ago; those orders are not measured.
        sustained = sustained if sustained is not None else (300 if quick else 1200)
        if sustained:
            warm = _odoo_order_requests(WARM_UP, 50_000, currency, catalog, zipf)
            asyncio.run(steady_rate(api_port, warm, 20.0, 8))
            _wait(lambda: _ingested(redis_port) >= WARM_UP, "warm-up orders in Odoo", 600)
            _redis_cmd(redis_port, "DEL", "oms:stats:ingest_latency_ms")
            before = _ingested(redis_port)
            reqs = _odoo_order_requests(sustained, 0, currency, catalog, zipf)
            odoo_pids = _descendants(odoo.pid)
            odoo_cpu = _cpu_seconds(odoo_pids)
            postgres_before = _postgres_backends(db)
            sent = asyncio.run(steady_rate(api_port, reqs, sustained_rate, 8))
            _wait(lambda: _ingested(redis_port) >= before + sustained,
                  "sustained orders in Odoo", 1800)  # fmt: skip
            odoo_cpu = _cpu_seconds(odoo_pids) - odoo_cpu
            postgres_cpu = _postgres_cpu_since(db, postgres_before)
            lat = sorted(
                int(x)
                for x in _redis_cmd(redis_port, "LRANGE", "oms:stats:ingest_latency_ms", "0", "-1")
            )
            key = "sustained_20_per_s" if sustained_rate == 20.0 else "sustained"
            result[key] = {
                "orders": sustained, "offered_per_s": sustained_rate,
                "achieved_per_s": sent["achieved_per_s"], "webhook_p99_ms": sent["p99_ms"],
                "to_confirmed_p50_ms": lat[len(lat) // 2],
                "to_confirmed_p99_ms": lat[min(len(lat) - 1, int(0.99 * len(lat)))],
                "to_confirmed_max_ms": lat[-1],
                # Odoo's own processes (not PostgreSQL): what one order costs, whatever the load.
                "odoo_cpu_ms_per_order": round(odoo_cpu / sustained * 1000, 1),
                # Its database's backends: the other half of what an order costs the machine.
                "postgres_cpu_ms_per_order": round(postgres_cpu / sustained * 1000, 1),
                "after_warm_up_orders": WARM_UP,
            }  # fmt: skip

        # Backlog: Odoo is stopped while the orders arrive (the API accepts them, the worker
        # keeps trying with its usual backoff), then started again; drained = every one of
        # them created in Odoo. The clock starts when odoo-bin is started again.
        if outage_s:
            worker = _restart_worker(worker, redis_port, url, db, workdir, lanes,
                                     worker_concurrency)  # fmt: skip
            odoo, result["outage"] = outage_phase(
                odoo, serve, odoo_log, url, api_port, redis_port,
                _odoo_order_requests(int(outage_s * outage_rate), 200_000, currency, catalog,
                                     zipf), outage_rate)  # fmt: skip
        backlog = backlog if backlog is not None else (200 if quick else 1000)
        if not backlog:
            return result
        before = _ingested(redis_port)
        _stop(odoo)
        piled = _odoo_order_requests(backlog, 100_000, currency, catalog, zipf)
        accepted = asyncio.run(throughput(api_port, piled, 8))
        time.sleep(down_s)  # Odoo down: the worker's attempts fail into the retry set
        waiting = int(_redis_cmd(redis_port, "ZCARD", "oms:inbox:retry"))
        restarted = time.perf_counter()
        odoo = _start_odoo(serve, odoo_log)
        _wait(lambda: _http_up(url), "odoo-bin after the outage", timeout=120)
        odoo_up = time.perf_counter() - restarted
        _wait(lambda: _ingested(redis_port) >= before + backlog, "backlog drained", 1800)
        drained = time.perf_counter() - restarted
        result["backlog_after_odoo_down"] = {
            "orders": backlog, "accepted_statuses": accepted["statuses"],
            "odoo_down_s": round(down_s + accepted["seconds"], 1),
            "waiting_for_retry_when_odoo_restarted": waiting,
            "odoo_answering_after_s": round(odoo_up, 1),
            "drain_s": round(drained, 1), "orders_per_s": round(backlog / drained, 1),
            "dead_letters": _dead_letters(redis_port),
        }  # fmt: skip
        return result
    finally:
        _stop(worker)
        _stop(api_proc)
        if redis_proc is not None:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)
        _stop(odoo)
        # On the dict returned above: figures taken beside a crashing Odoo say so.
        result["odoo_log_tracebacks"] = _tracebacks(odoo_log)
        dropdb = shutil.which("dropdb") or next(
            (str(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin/dropdb"))), "dropdb"
        )
        subprocess.run([dropdb, "--if-exists", "--force", "-h",
                        os.environ.get("ODOO_DB_HOST", "127.0.0.1"), "-U",
                        os.environ.get("ODOO_DB_USER", "odoo"), db],
                       capture_output=True, check=False)  # fmt: skip


def _http_up(url: str) -> bool:
    import httpx

    try:
        return httpx.post(f"{url}/web/webclient/version_info", json={}, timeout=2).is_success
    except httpx.HTTPError:
        return False


def _odoo_summary(odoo: dict) -> str:
    if "skipped" in odoo:
        return f"[sync] Odoo part skipped: {odoo['skipped']}"
    parts = []
    outage = odoo.get("outage")
    if outage:
        parts.append(f"Odoo down {outage['odoo_down_s']} s under {outage['offered_per_s']} "
                     f"orders/s: {outage['dead_letters']} dead letters, first held order in "
                     f"Odoo {outage['first_held_order_in_odoo_after_s']} s and all "
                     f"{outage['orders']} {outage['drain_s']} s after odoo-bin "
                     "restarted")  # fmt: skip
    sustained = odoo.get("sustained_20_per_s") or odoo.get("sustained")
    if sustained:
        parts.append(f"{sustained['offered_per_s']:g} orders/s: to confirmed p99 "
                     f"{sustained['to_confirmed_p99_ms']} ms, "
                     f"{sustained['odoo_cpu_ms_per_order']} ms Odoo + "
                     f"{sustained['postgres_cpu_ms_per_order']} ms PostgreSQL "
                     "CPU/order")  # fmt: skip
    backlog = odoo.get("backlog_after_odoo_down")
    if backlog:
        parts.append(f"backlog of {backlog['orders']} after Odoo was down: drained "
                     f"{backlog['drain_s']} s after odoo-bin restarted "
                     f"({backlog['dead_letters']} dead letters)")  # fmt: skip
    if odoo.get("odoo_log_tracebacks"):
        parts.append(f"WARNING: Odoo logged {odoo['odoo_log_tracebacks']} tracebacks during the "
                     "run; the figures are not representative")  # fmt: skip
    return "[sync] " + "; ".join(parts)


# CPU of inbox.service.accept per accepted Shopify webhook, in one process on the tree at argv[1]
# (imported from there), against the redis-server at argv[2]: verify, map, store.
ACCEPT_CPU = """
import asyncio, base64, hashlib, hmac, json, logging, sys, time
root, port = sys.argv[1], int(sys.argv[2])
sys.path.insert(0, root)
import redis, redis.asyncio as aioredis
from sync_service.config import Settings
from sync_service.inbox import service
from sync_service.inbox.store import InboxStore
secret = "shpss_bench_secret_0123456789"
settings = Settings(environment="test", odoo_api_key="x", redis_url=f"redis://127.0.0.1:{port}/0",
                    channels={"webshop": {"provider": "shopify", "secret": secret}}, _env_file=None)
order = json.load(open(root + "/tests/sync/fixtures/shopify_order.json"))
def request(n):
    order["id"] = 9_000_000_000 + n
    body = json.dumps(order, separators=(",", ":")).encode()
    sig = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return body, {"content-type": "application/json", "content-length": str(len(body)),
                  "x-shopify-topic": "orders/create", "x-shopify-hmac-sha256": sig,
                  "x-shopify-webhook-id": f"b-{n}"}
requests = [request(n) for n in range(4500)]
redis.Redis(port=port).flushdb()
logging.disable(logging.INFO)
async def one_body(body):
    yield body
async def main():
    client = aioredis.Redis(port=port)
    store = InboxStore(client, 3600)
    for n, (body, headers) in enumerate(requests):
        if n == 500:
            started = time.process_time()
        status, _ = await service.accept(settings, store, "channel", "webshop", headers,
                                         one_body(body))
        assert status == 202, status
    cpu = time.process_time() - started
    await client.aclose()
    return cpu / 4000 * 1e6
print(round(asyncio.run(main()), 1))
"""


def accept_cpu(old_rev: str, rounds: int = 16) -> dict:
    """In-process CPU per accepted webhook of the working tree and of ``old_rev`` (extracted
    with git archive), taking turns ``rounds`` times in the same minutes: on a shared machine
    that ratio holds where events/s does not."""
    import statistics

    workdir = Path(tempfile.mkdtemp(prefix="sync-bench-accept-"))
    old_tree = workdir / "old"
    old_tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", old_rev], capture_output=True,
                             check=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(old_tree)], input=archive, check=True)
    redis_proc, port = start_redis(workdir, "everysec")
    pairs = []
    try:
        for n in range(rounds):
            trees = [str(old_tree), str(ROOT)] if n % 2 else [str(ROOT), str(old_tree)]
            cpu = {}
            for tree in trees:
                run = subprocess.run([sys.executable, "-c", ACCEPT_CPU, tree, str(port)],
                                     capture_output=True, text=True, check=True)  # fmt: skip
                cpu[tree] = float(run.stdout)
            pairs.append((cpu[str(old_tree)], cpu[str(ROOT)]))
    finally:
        redis_proc.terminate()
        redis_proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    before, after = [p[0] for p in pairs], [p[1] for p in pairs]
    return {
        "old_rev": old_rev,
        "rounds": rounds,
        "before_median_us": statistics.median(before),
        "after_median_us": statistics.median(after),
        "ratio_of_medians": round(statistics.median(after) / statistics.median(before), 3),
        "median_paired_ratio": round(statistics.median(b / a for a, b in pairs), 3),
        "load_average_at_start": os.getloadavg()[0],
    }


def _odoo_only(args) -> int:
    odoo_dir = Path(tempfile.mkdtemp(prefix="sync-bench-odoo-"))
    try:
        odoo = odoo_phase(
            args.quick,
            odoo_dir,
            args.sustained,
            args.backlog,
            args.odoo_down_s,
            args.worker_concurrency,
            args.lanes,
            args.catalog,
            args.zipf,
            args.outage_s,
            args.outage_rate,
            args.sustained_rate,
        )
    finally:
        shutil.rmtree(odoo_dir, ignore_errors=True)
    print(json.dumps({"odoo": odoo}, indent=2))
    print(_odoo_summary(odoo))
    if args.json:
        args.json.write_text(json.dumps({"odoo": odoo}, indent=2))
    dead = sum((odoo.get(part) or {}).get("dead_letters", 0)
               for part in ("backlog_after_odoo_down", "outage"))  # fmt: skip
    return 0 if dead == 0 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench sync")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fsync", choices=["always", "everysec"], default="always")
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--odoo", action="store_true", help="also webhook -> Odoo order")
    parser.add_argument("--sustained", type=int, help="orders at 20/s (default 1200, quick 300)")
    parser.add_argument("--sustained-rate", type=float, default=20.0,
                        help="orders/s of the sustained run (20)")  # fmt: skip
    parser.add_argument("--backlog", type=int, help="orders piled up (default 1000, quick 200)")
    parser.add_argument("--odoo-down-s", type=float, default=10.0)
    parser.add_argument("--odoo-only", action="store_true", help="skip the acceptance part")
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--lanes", type=int, default=2, help="ingest lanes (OMS_INGEST_LANES)")
    parser.add_argument(
        "--catalog",
        type=int,
        default=1000,
        help="SKUs of the bench catalog; 0: the demo's two SKUs",
    )
    parser.add_argument("--zipf", type=float, default=1.0, help="popularity exponent")
    parser.add_argument("--accept-old", metavar="REV",
                        help="only: CPU per accepted webhook, this tree against REV")  # fmt: skip
    parser.add_argument(
        "--outage-s",
        type=float,
        default=0.0,
        help="Odoo down this long while orders keep arriving (0: skip)",
    )
    parser.add_argument("--outage-rate", type=float, default=20.0,
                        help="orders/s arriving during the outage")  # fmt: skip
    args, _unknown = parser.parse_known_args(argv or [])
    # Stopped from outside: still run the clean-up below (processes, temp dirs, database).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    burst = 5_000 if args.quick else 30_000
    steady = 5_000 if args.quick else 15_000
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass

    if args.accept_old:
        print(json.dumps(accept_cpu(args.accept_old), indent=2))
        return 0
    if args.odoo_only:
        return _odoo_only(args)
    workdir = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    redis_proc, redis_port = start_redis(workdir, args.fsync)
    api_proc = None
    try:
        api_proc, api_port = start_api(redis_port, args.workers, args.log_level)
        warm = signed_requests(500, start=10_000_000)
        asyncio.run(throughput(api_port, warm, 16))
        results: dict = {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "uvicorn_workers": args.workers,
                "appendfsync": args.fsync,
                "log_level": args.log_level,
                "load_average_at_start": os.getloadavg()[0],
            }
        }
        server_pids = [*_descendants(api_proc.pid), redis_proc.pid]
        cpu_before = _cpu_seconds(server_pids)
        redis_before = _cpu_seconds([redis_proc.pid])
        burst_result = asyncio.run(throughput(api_port, signed_requests(burst), args.connections))
        cpu_used = _cpu_seconds(server_pids) - cpu_before
        # Server CPU per event does not depend on what else runs on the machine; events/s
        # does (the load generator and everyone else share the same cores).
        burst_result["server_cpu_us_per_event"] = round(cpu_used / burst * 1e6)
        redis_used = _cpu_seconds([redis_proc.pid]) - redis_before
        burst_result["of_which_redis_us_per_event"] = round(redis_used / burst * 1e6)
        burst_result["events_per_s_per_server_core"] = round(burst / cpu_used)
        results["throughput"] = burst_result
        results["steady_1000_per_s"] = asyncio.run(
            steady_rate(api_port, signed_requests(steady, start=burst), 1000.0, args.connections)
        )
        stored = _stream_length(redis_port)
        expected = 500 + burst + steady
        results["stored_in_inbox"] = stored
        if args.odoo:
            odoo_dir = Path(tempfile.mkdtemp(prefix="sync-bench-odoo-"))
            try:
                results["odoo"] = odoo_phase(args.quick, odoo_dir, args.sustained,
                                             args.backlog, args.odoo_down_s,
                                             args.worker_concurrency, args.lanes,
                                             args.catalog, args.zipf, args.outage_s,
                                             args.outage_rate,
                                             args.sustained_rate)  # fmt: skip
            finally:
                shutil.rmtree(odoo_dir, ignore_errors=True)
        print(json.dumps(results, indent=2))
        print(f"[sync] acceptance {results['throughput']['events_per_s']} events/s; "
              f"at 1,000/s p99 {results['steady_1000_per_s']['p99_ms']} ms; "
              f"{stored}/{expected} stored")  # fmt: skip
        if "odoo" in results:
            print(_odoo_summary(results["odoo"]))
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
        return 0 if stored == expected else 1
    finally:
        if api_proc is not None:
            os.killpg(api_proc.pid, 15)
            api_proc.wait(timeout=20)
        redis_proc.terminate()
        redis_proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
