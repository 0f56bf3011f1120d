"""Checkout APIs under load: availability, promise, reservations, listing pages, oversells.

`python -m bench checkout [--quick] [--workers=N] [--json=PATH]`

Real redis-server (own port, temp dir) and the real app under uvicorn on 127.0.0.1, driven by
a minimal keep-alive HTTP/1.1 client on asyncio streams (cheap enough that the client is not
what is measured). The synthetic retailer's 50 nodes (5 DCs, 45 stores) and its SKUs are
projected with a figure at every node, so a listing read covers 100 SKUs x 50 nodes.
Bounded loops only: every phase sends a fixed number of requests.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.checkout_asgi import cpu_per_request

ROOT = Path(__file__).resolve().parents[1]
CHANNEL = "webshop"
API_KEY = "ck_bench_webshop_key_0123456789"
N_SKUS = 2000
SEED = 20261126


# ----------------------------------------------------------------- the app under uvicorn


def bench_app():
    """uvicorn factory: the real app, with the synthetic retailer's network for promises."""
    from bench.synthetic import generate
    from sync_service.checkout.config import CheckoutSettings
    from sync_service.checkout.network import NetworkCache, NetworkSnapshot
    from sync_service.config import Settings
    from sync_service.main import create_app

    settings = Settings(
        environment="test",
        redis_url=os.environ["CHECKOUT_BENCH_REDIS"],
        odoo_api_key="bench-not-used",
        _env_file=None,
    )
    app = create_app(settings)
    app.state.checkout_settings = CheckoutSettings(api_keys={CHANNEL: API_KEY}, _env_file=None)
    network = generate(seed=SEED, n_orders=2000, n_skus=N_SKUS).network
    snapshot = NetworkSnapshot(network, {n.id: n for n in network.nodes}, "bench")
    app.state.checkout_networks = NetworkCache(lambda _c: snapshot, ttl_s=3600)
    return app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


# ----------------------------------------------------------------- a small HTTP client


class Connection:
    """One keep-alive HTTP/1.1 connection; requests are pre-encoded bytes."""

    def __init__(self, reader, writer) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


def request(method: str, path: str, body: object | None = None) -> bytes:
    payload = b"" if body is None else json.dumps(body).encode()
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {API_KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(roots: list[int]) -> float:
    """User+system CPU of these processes and their children (uvicorn workers), from /proc."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid in roots or ppid in roots:
            total += (int(fields[11]) + int(fields[12])) / _TICKS
    return total


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


SERVER_PIDS: dict[str, list[int]] = {"api": [], "redis": []}


async def drive(port: int, make_request, total: int, concurrency: int) -> dict:
    """Send ``total`` requests over ``concurrency`` connections; latencies in ms.

    Also the CPU the API processes and redis-server spent per request: on a shared machine
    req/s depends on the neighbours, CPU per request does not, and 2 cores divided by it is
    what the service can serve when it has the 2 cores to itself."""
    cpu_before = {k: cpu_seconds(v) for k, v in SERVER_PIDS.items()}
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = iter(range(total))

    async def worker() -> None:
        conn = await Connection.open(port)
        try:
            for i in counter:
                raw = make_request(i)
                started = time.perf_counter()
                status, _ = await conn.send(raw)
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(concurrency)])
    elapsed = time.perf_counter() - started
    cpu = {k: (cpu_seconds(v) - cpu_before[k]) * 1000 / total for k, v in SERVER_PIDS.items()}
    latencies.sort()
    return {
        "api_cpu_ms": round(cpu["api"], 3),
        "redis_cpu_ms": round(cpu["redis"], 3),
        "rps_2_cores_cpu_bound": round(2000 / max(cpu["api"] + cpu["redis"], 1e-6)),
        "requests": total,
        "concurrency": concurrency,
        "rps": round(total / elapsed),
        "p50_ms": round(percentile(latencies, 0.50), 3),
        "p99_ms": round(percentile(latencies, 0.99), 3),
        "max_ms": round(latencies[-1], 3),
        "statuses": statuses,
    }


# ----------------------------------------------------------------- phases


WRK_CART_SCRIPT = """
-- 5 random SKUs of the 400 most sold, as the cart phase picks them
math.randomseed(11)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "%(key)s"
request = function()
  local lines = {}
  for i = 1, 5 do
    lines[i] = string.format('{"sku":"SKU-%%05d","quantity":1}', math.random(1, 400))
  end
  return wrk.format(nil, nil, nil, '{"lines":[' .. table.concat(lines, ",") .. ']}')
end
"""


def wrk_phase(port: int, quick: bool, tmp: str) -> dict | None:
    """Cart availability driven by wrk (C, Debian's package): the Python client of the other
    phases spends more CPU per request than the API it measures, on the same 2 cores, so the
    throughput target is measured with a generator that does not eat the server's share.

    Runs first, on the fresh projection with no holds, after a discarded 2 s wrk warm-up (as
    the hand runs did): after the other phases, thousands of their holds are still expiring
    and the Python client's processes and connections have just stopped."""
    binary = shutil.which("wrk")
    if binary is None:
        return None
    script = Path(tmp) / "cart.lua"
    script.write_text(WRK_CART_SCRIPT % {"key": API_KEY})
    url = f"http://127.0.0.1:{port}/checkout/v1/channels/{CHANNEL}/availability/cart"

    def run(connections: int, seconds: int) -> dict:
        cpu_before = {k: cpu_seconds(v) for k, v in SERVER_PIDS.items()}
        out = subprocess.run(
            [binary, "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script),
             "--latency", url],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        done = int(re.search(r"(\d+) requests in", out).group(1))
        cpu = {k: (cpu_seconds(v) - cpu_before[k]) * 1000 / max(done, 1)
               for k, v in SERVER_PIDS.items()}  # fmt: skip
        latency = {
            quantile: _ms(value, unit)
            for quantile, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)$", out, re.M)
        }
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        return {
            "rps": round(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))),
            "p50_ms": latency.get("50"),
            "p99_ms": latency.get("99"),
            "non_2xx": int(errors.group(1)) if errors else 0,
            "api_cpu_ms": round(cpu["api"], 3),
            "redis_cpu_ms": round(cpu["redis"], 3),
        }

    run(4, 2)  # warm-up, discarded
    return {connections: run(connections, 5 if quick else 15) for connections in (4, 8)}


def _ms(value: str, unit: str) -> float:
    return round(float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 3)


def seed_projection(redis_url: str) -> list[str]:
    import redis

    from bench.synthetic import build_nodes
    from sync_service.checkout.config import CheckoutSettings
    from sync_service.checkout.projection import rebuild_projection

    rng = random.Random(SEED)
    nodes = [n.id for n in build_nodes()]
    skus = [f"SKU-{i:05d}" for i in range(1, N_SKUS + 1)]
    rows = [{"sku": s, "warehouse": n, "sellable": rng.randint(0, 40)} for s in skus for n in nodes]
    client = redis.Redis.from_url(redis_url)
    settings = CheckoutSettings(api_keys={CHANNEL: API_KEY}, _env_file=None)
    rebuild_projection(
        CHANNEL, lambda _c: {"as_of": "bench", "stock": rows}, redis=client, settings=settings
    )
    client.close()
    return skus


def oversell_phase(redis_url: str, port: int, quick: bool) -> dict:
    """Concurrent reservations on scarce SKUs; afterwards count units held beyond stock."""
    import redis

    from sync_service.checkout.config import CheckoutSettings
    from sync_service.checkout.projection import rebuild_projection
    from sync_service.checkout.scripts import pool_prefix

    rng = random.Random(7)
    scarce = [f"SCARCE-{i:03d}" for i in range(50)]
    stock = {sku: rng.randint(1, 4) for sku in scarce}
    rows = [{"sku": s, "warehouse": "DC1", "sellable": q} for s, q in stock.items()]
    client = redis.Redis.from_url(redis_url)
    settings = CheckoutSettings(api_keys={CHANNEL: API_KEY}, _env_file=None)
    rebuild_projection(
        CHANNEL, lambda _c: {"as_of": "bench", "stock": rows}, redis=client, settings=settings
    )
    attempts = 1000 if quick else 5000
    carts = []
    for _ in range(attempts):
        lines = {rng.choice(scarce): rng.randint(1, 2) for _ in range(rng.randint(1, 3))}
        carts.append(
            {"lines": [{"sku": s, "quantity": q} for s, q in lines.items()], "ttl_seconds": 600}
        )
    base = f"/checkout/v1/channels/{CHANNEL}/reservations"
    result = asyncio.run(drive(port, lambda i: request("POST", base, carts[i]), attempts, 64))
    prefix = pool_prefix(settings)
    oversold = 0
    for sku, units in stock.items():
        held = int(client.hget(prefix + f"h:{sku}", "t") or 0)
        oversold += max(0, held - units)
    accepted = result["statuses"].get(201, 0)
    client.close()
    return {
        "attempts": attempts,
        "accepted": accepted,
        "oversold_units": oversold,
        "units_in_stock": sum(stock.values()),
        **result,
    }


def settle_holds(redis_url: str, ttl_s: float = 2.0) -> None:
    """Let the holds of a reservation phase (``ttl_seconds`` 2) expire and sweep them, so the
    next phase starts with no holds rather than purging thousands inside its reads."""
    import redis

    from sync_service.checkout.config import CheckoutSettings
    from sync_service.checkout.reservations import sweep_holds

    time.sleep(ttl_s + 0.1)
    client = redis.Redis.from_url(redis_url)
    settings = CheckoutSettings(api_keys={CHANNEL: API_KEY}, _env_file=None)
    sweep_holds([CHANNEL], redis=client, settings=settings)
    client.close()


def run_phases(port: int, skus: list[str], quick: bool, redis_url: str) -> dict:
    rng = random.Random(11)
    base = f"/checkout/v1/channels/{CHANNEL}"
    n = 2000 if quick else 20000
    head = skus[:400]

    def cart(i: int) -> bytes:
        picked = rng.sample(head, 5)
        return request(
            "POST",
            f"{base}/availability/cart",
            {"lines": [{"sku": s, "quantity": 1} for s in picked]},
        )

    def listing(i: int) -> bytes:
        start = (i * 100) % (len(skus) - 100)
        query = "skus=" + ",".join(skus[start : start + 100])
        return request("GET", f"{base}/availability?{query}")

    def listing_stores(i: int) -> bytes:
        start = (i * 100) % (len(skus) - 100)
        query = "stores=true&skus=" + ",".join(skus[start : start + 100])
        return request("GET", f"{base}/availability?{query}")

    def pickup(i: int) -> bytes:
        picked = rng.sample(head, 5)
        return request("POST", f"{base}/availability/pickup", {
            "lines": [{"sku": s, "quantity": 1} for s in picked],
            "near": {"country": "DE", "lat": 52.52, "lon": 13.40},
            "only_available": False, "limit": 5})  # fmt: skip

    def promise(i: int) -> bytes:
        picked = rng.sample(head, rng.randint(1, 5))
        postal = rng.choice(["10115", "20095", "80331", "50667", "60311", "01067"])
        return request(
            "POST",
            f"{base}/promise",
            {
                "lines": [{"sku": s, "quantity": 1} for s in picked],
                "destination": {"country": "DE", "postal_code": postal},
                "at": "2026-11-30T09:00:00Z",
                "service_levels": ["standard"],
            },
        )

    def reserve(i: int) -> bytes:
        picked = rng.sample(skus, rng.randint(1, 3))
        return request(
            "POST",
            f"{base}/reservations",
            {"lines": [{"sku": s, "quantity": 1} for s in picked], "ttl_seconds": 2},
        )

    async def phases() -> dict:
        await drive(port, cart, 500, 4)  # warm-up: connections, scripts, network cache
        await drive(port, promise, 50, 2)
        measured = {
            "cart_5_skus_latency": await drive(port, cart, n // 4, 1),
            "cart_5_skus_throughput": await drive(port, cart, n, 32),
            "promise": await drive(port, promise, n // 20, 1),
            "promise_loaded": await drive(port, promise, n // 10, 8),
            "reservation": await drive(port, reserve, n // 4, 1),
            "reservation_loaded": await drive(port, reserve, n // 2, 16),
        }
        settle_holds(redis_url)
        return {
            **measured,
            "listing_100x50": await drive(port, listing, n // 10, 1),
            "listing_100x50_loaded": await drive(port, listing, n // 4, 8),
            "listing_100x50_stores": await drive(port, listing_stores, n // 10, 1),
            "pickup_5_skus_45_stores": await drive(port, pickup, n // 10, 1),
        }

    return asyncio.run(phases())


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    workers = 1
    out_path = None
    for i, arg in enumerate(argv):
        if arg == "--workers" and i + 1 < len(argv):
            workers = int(argv[i + 1])
        if arg.startswith("--workers="):
            workers = int(arg.split("=", 1)[1])
        if arg.startswith("--json="):
            out_path = arg.split("=", 1)[1]
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        print("checkout bench: redis-server not installed")
        return 1
    tmp = tempfile.mkdtemp(prefix="checkout-bench-")
    redis_port, http_port = _free_port(), _free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    procs = []
    try:
        procs.append(
            subprocess.Popen(
                [
                    binary,
                    "--port",
                    str(redis_port),
                    "--bind",
                    "127.0.0.1",
                    "--dir",
                    tmp,
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        _wait_port(redis_port)
        SERVER_PIDS["redis"] = [procs[-1].pid]
        skus = seed_projection(redis_url)
        env = {**os.environ, "CHECKOUT_BENCH_REDIS": redis_url, "PYTHONPATH": str(ROOT)}
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--factory",
                    "bench.checkout_bench:bench_app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(http_port),
                    "--workers",
                    str(workers),
                    "--log-level",
                    "warning",
                    # as `python -m sync_service api` serves: no access lines, no
                    # forwarded-for rewriting, no server header
                    "--no-access-log",
                    "--no-proxy-headers",
                    "--no-server-header",
                    "--loop",
                    "uvloop",
                    "--http",
                    "httptools",
                ],
                cwd=ROOT,
                env=env,
            )
        )
        _wait_port(http_port)
        SERVER_PIDS["api"] = [procs[-1].pid]
        load_before = os.getloadavg()
        wrk_results = wrk_phase(http_port, quick, tmp)
        results = run_phases(http_port, skus, quick, redis_url)
        os.environ["CHECKOUT_BENCH_REDIS"] = redis_url  # bench_app() in this process
        in_process = cpu_per_request(bench_app(), skus, CHANNEL, API_KEY, quick)
        settle_holds(redis_url)
        results["oversell"] = oversell_phase(redis_url, http_port, quick)
    finally:
        for proc in reversed(procs):
            proc.terminate()
            proc.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)
    results["machine"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "uvicorn_workers": workers,
        "quick": quick,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
    }
    print(
        f"{'phase':24} {'conc':>4} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} "
        f"{'api cpu':>7} {'redis':>6} {'2-core':>6}"
    )
    for name, r in results.items():
        if "p99_ms" in r:
            print(
                f"{name:24} {r['concurrency']:>4} {r['rps']:>6} {r['p50_ms']:>7} "
                f"{r['p99_ms']:>7} {r['max_ms']:>7} {r['api_cpu_ms']:>7} "
                f"{r['redis_cpu_ms']:>6} {r['rps_2_cores_cpu_bound']:>6}  {r['statuses']}"
            )
    m = results["machine"]
    print(
        f"load average before/after: {m['loadavg_before']} / {m['loadavg_after']} "
        f"on {m['cpus']} CPUs (other processes share them); cpu columns: ms per request"
    )
    if wrk_results is None:
        print("cart availability with wrk: skipped (apt-get install wrk)")
    for connections, r in (wrk_results or {}).items():
        print(
            f"cart availability with wrk, {connections} connections: {r['rps']} req/s, "
            f"p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, non-2xx {r['non_2xx']}, "
            f"cpu ms per request: api {r['api_cpu_ms']}, redis {r['redis_cpu_ms']}"
        )
    results["cart_5_skus_wrk"] = wrk_results
    print("API CPU per request in-process (us, median of alternating blocks, no HTTP server):")
    for kind, r in in_process.items():
        print(
            f"  {kind:12} fast path {r['fast_path_us']:>6}  through FastAPI {r['fastapi_us']:>6}"
            f"  ratio {r['ratio']}"
        )
    results["in_process_cpu"] = in_process
    o = results["oversell"]
    print(
        f"oversell storm: {o['attempts']} carts on {o['units_in_stock']} scarce units, "
        f"{o['accepted']} accepted, oversold units: {o['oversold_units']}"
    )
    if out_path:
        Path(out_path).write_text(json.dumps(results, indent=2))
    return 1 if o["oversold_units"] else 0
