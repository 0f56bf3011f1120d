"""CPU per checkout request inside the API process, with the fast path and through FastAPI.

The app is driven over ASGI directly (no HTTP server, no load generator) against the bench's
real Redis, in the bench's own process, so ``time.process_time`` counts the API's Python work
and nothing else: what the fast path saves per request, as a ratio measured in one process
and one run. Blocks of each mode alternate, so a neighbour's burst hits both alike; the
median block is reported. uvicorn's own HTTP parsing (httptools) comes on top of both.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time

BLOCKS = 5


def _scope(method: str, path: str, query: str, body: bytes, api_key: str) -> dict:
    headers = [(b"host", b"127.0.0.1"), (b"x-api-key", api_key.encode())]
    if method == "POST":
        headers += [(b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())]  # fmt: skip
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(),
        "query_string": query.encode(), "root_path": "", "headers": headers,
        "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8000), "state": {},
    }  # fmt: skip


async def _call(app, scope: dict, body: bytes) -> int:
    sent: list[dict] = []
    delivered = False

    async def receive():
        nonlocal delivered
        if delivered:  # nobody disconnects here
            await asyncio.Event().wait()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        sent.append(message)

    await app(dict(scope), receive, send)
    return sent[0]["status"]


def requests_of(kind: str, n: int, skus: list[str], channel: str, api_key: str) -> list:
    """``n`` (scope, body) pairs shaped like the HTTP phases' requests."""
    rng = random.Random(13)
    base = f"/checkout/v1/channels/{channel}"
    out = []
    for i in range(n):
        if kind == "cart":
            lines = [{"sku": s, "quantity": 1} for s in rng.sample(skus[:400], 5)]
            body = json.dumps({"lines": lines}).encode()
            out.append((_scope("POST", f"{base}/availability/cart", "", body, api_key), body))
        elif kind == "listing":
            start = (i * 100) % (len(skus) - 100)
            query = "skus=" + ",".join(skus[start : start + 100])
            out.append((_scope("GET", f"{base}/availability", query, b"", api_key), b""))
        elif kind == "promise":
            lines = [{"sku": s, "quantity": 1} for s in rng.sample(skus[:400], rng.randint(1, 5))]
            body = json.dumps({
                "lines": lines,
                "destination": {"country": "DE", "postal_code": rng.choice(["10115", "80331"])},
                "at": "2026-11-30T09:00:00Z", "service_levels": ["standard"],
            }).encode()  # fmt: skip
            out.append((_scope("POST", f"{base}/promise", "", body, api_key), body))
        else:  # reservation
            lines = [{"sku": s, "quantity": 1} for s in rng.sample(skus, rng.randint(1, 3))]
            body = json.dumps({"lines": lines, "ttl_seconds": 2}).encode()
            out.append((_scope("POST", f"{base}/reservations", "", body, api_key), body))
    return out


async def _measure(app, kind: str, n: int, skus, channel, api_key) -> dict:
    expected = 201 if kind == "reservation" else 200
    cpu: dict[str, list[float]] = {"fast_path": [], "fastapi": []}
    for block in range(2 * BLOCKS + 1):  # block 0 warms both paths up
        fast = block % 2 == 0
        app.state.checkout_fast_path = fast
        calls = requests_of(kind, n, skus, channel, api_key)
        started = time.process_time()
        statuses = [await _call(app, scope, body) for scope, body in calls]
        used = (time.process_time() - started) / n * 1e6
        if any(status != expected for status in statuses):
            raise RuntimeError(f"{kind}: unexpected statuses {set(statuses)}")
        if block:
            cpu["fast_path" if fast else "fastapi"].append(used)
    app.state.checkout_fast_path = True
    fast, slow = statistics.median(cpu["fast_path"]), statistics.median(cpu["fastapi"])
    return {
        "fast_path_us": round(fast, 1),
        "fastapi_us": round(slow, 1),
        "ratio": round(slow / fast, 2),
        "requests_per_block": n,
        "blocks_per_mode": BLOCKS,
    }


def cpu_per_request(app, skus: list[str], channel: str, api_key: str, quick: bool) -> dict:
    """{kind: fast path vs FastAPI CPU microseconds per request}: cart, listing (100 SKUs),
    promise, reservation."""
    n = 300 if quick else 2000

    async def run() -> dict:
        try:
            return {
                kind: await _measure(app, kind, n, skus, channel, api_key)
                for kind in ("cart", "listing", "promise", "reservation")
            }
        finally:
            if app.state.redis is not None:
                await app.state.redis.aclose()
                app.state.redis = None

    return asyncio.run(run())
