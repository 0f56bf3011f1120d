# ruff: noqa: F811  (pytest fixtures imported from checkout_conftest)
"""The ASGI fast path answers exactly what the FastAPI routes answer, and does take its calls.

Every request below runs twice on the same fresh projection: once through the app as
served (fast path in front) and once with ``app.state.checkout_fast_path = False`` (every
call through FastAPI). Status, content type, ``Retry-After`` and body must be equal, and the
fast path must have answered the happy paths itself, without FastAPI.
"""

from __future__ import annotations

import pytest

from sync_service.checkout.fast_path import CheckoutFastPath
from tests.sync.checkout_conftest import (  # noqa: F401
    API_KEY,
    CHANNEL,
    OTHER_KEY,
    checkout_redis_server,
    ck_settings,
    clock,
    make_app,
    rds,
    run_api,
    seed,
)

BASE = f"/checkout/v1/channels/{CHANNEL}"
STOCK = [
    ("A", "DC1", 5), ("A", "LIS1", 2), ("A", "OPO1", 1), ("A", "FAO1", 0),
    ("B", "DC1", 0), ("B", "LIS1", 1), ("B", "OPO1", 3), ("B", "FAO1", 1),
    ("C", "DC1", 1),
]  # fmt: skip
JSON = {"Content-Type": "application/json"}


def cart(*lines) -> bytes:
    import json

    return json.dumps({"lines": [{"sku": s, "quantity": q} for s, q in lines]}).encode()


# (name, method, path, query, headers, body, answered by the fast path itself)
CALLS = [
    ("cart", "POST", "/availability/cart", None, JSON, cart(("A", 3), ("C", 1), ("A", 2)), True),
    ("cart short", "POST", "/availability/cart", None, JSON, cart(("C", 2)), True),
    ("cart unknown sku", "POST", "/availability/cart", None, JSON, cart(("X", 1), ("A", 1)), True),
    ("cart quantity 0", "POST", "/availability/cart", None, JSON, cart(("A", 0)), False),
    ("cart no lines", "POST", "/availability/cart", None, JSON, b'{"lines": []}', False),
    ("cart bad json", "POST", "/availability/cart", None, JSON, b'{"lines": [', False),
    ("cart empty body", "POST", "/availability/cart", None, JSON, b"", False),
    ("cart no content type", "POST", "/availability/cart", None, {}, cart(("A", 1)), False),
    ("cart charset", "POST", "/availability/cart", None,
     {"Content-Type": "application/json; charset=utf-8"}, cart(("A", 1)), False),
    ("cart text", "POST", "/availability/cart", None,
     {"Content-Type": "text/plain"}, cart(("A", 1)), False),
    ("cart no key", "POST", "/availability/cart", None, {**JSON, "X-API-Key": ""},
     cart(("A", 1)), False),
    ("cart other key", "POST", "/availability/cart", None, {**JSON, "X-API-Key": OTHER_KEY},
     cart(("A", 1)), False),
    ("cart empty key, then the key", "POST", "/availability/cart", None,
     [("X-API-Key", ""), ("X-API-Key", API_KEY), ("Content-Type", "application/json")],
     cart(("A", 1)), False),
    ("cart two content types", "POST", "/availability/cart", None,
     [("Content-Type", "text/plain"), ("Content-Type", "application/json")],
     cart(("A", 1)), False),
    ("cart bad key, bad json", "POST", "/availability/cart", None,
     {**JSON, "X-API-Key": "nope"}, b"{", False),
    ("listing", "GET", "/availability", [("sku", "A"), ("sku", "B"), ("sku", "ZZ")], {}, None,
     True),
    ("listing comma", "GET", "/availability", [("skus", "A,C,,B")], {}, None, True),
    ("listing both", "GET", "/availability", [("sku", "C"), ("skus", "A,C")], {}, None, True),
    ("listing skus twice", "GET", "/availability", [("skus", "A"), ("skus", "B")], {}, None,
     True),
    ("listing stores", "GET", "/availability", [("skus", "A,B,C"), ("stores", "true")], {},
     None, True),
    ("listing stores 0", "GET", "/availability", [("sku", "A"), ("stores", "0")], {}, None,
     True),
    ("listing stores yes", "GET", "/availability", [("sku", "A"), ("stores", "yes")], {}, None,
     False),
    ("listing stores maybe", "GET", "/availability", [("sku", "A"), ("stores", "maybe")], {},
     None, False),
    ("listing nothing", "GET", "/availability", [], {}, None, True),
    ("listing too many", "GET", "/availability", [("skus", ",".join(f"S{i}" for i in range(101)))],
     {}, None, True),
    ("listing only unknown", "GET", "/availability", [("sku", "ZZ")], {}, None, True),
    ("listing no key", "GET", "/availability", [("sku", "A")], {"X-API-Key": ""}, None, False),
    ("pickup", "POST", "/availability/pickup", None, JSON,
     b'{"lines": [{"sku": "A", "quantity": 1}], "near": {"country": "PT",'
     b' "postal_code": "1100-053"}, "only_available": false, "limit": 3}', True),
    ("pickup by coordinates", "POST", "/availability/pickup", None, JSON,
     b'{"lines": [{"sku": "B", "quantity": 1}], "near": {"country": "PT", "lat": 41.1,'
     b' "lon": -8.6}}', True),
    ("pickup bad postal code", "POST", "/availability/pickup", None, JSON,
     b'{"lines": [{"sku": "A", "quantity": 1}], "near": {"country": "PT",'
     b' "postal_code": "11A"}}', True),
    ("pickup limit 0", "POST", "/availability/pickup", None, JSON,
     b'{"lines": [{"sku": "A", "quantity": 1}], "limit": 0}', False),
    ("promise", "POST", "/promise", None, JSON,
     b'{"lines": [{"sku": "A", "quantity": 2}, {"sku": "B", "quantity": 1}], "destination":'
     b' {"country": "PT", "postal_code": "1100-053"}, "at": "2026-11-26T09:12:00Z"}', True),
    ("promise now, express", "POST", "/promise", None, JSON,
     b'{"lines": [{"sku": "C", "quantity": 1}], "destination": {"country": "PT",'
     b' "postal_code": "4000-322"}, "service_levels": ["express"]}', True),
    ("promise more than stock", "POST", "/promise", None, JSON,
     b'{"lines": [{"sku": "C", "quantity": 5}], "destination": {"country": "PT",'
     b' "postal_code": "4000-322"}, "at": "2026-11-27T18:00:00+01:00"}', True),
    ("promise bad postal code", "POST", "/promise", None, JSON,
     b'{"lines": [{"sku": "A", "quantity": 1}], "destination": {"country": "PT",'
     b' "postal_code": "1100"}}', True),
    ("promise unknown sku", "POST", "/promise", None, JSON,
     b'{"lines": [{"sku": "X", "quantity": 1}], "destination": {"country": "PT",'
     b' "postal_code": "1100-053"}}', True),
    ("promise unknown level", "POST", "/promise", None, JSON,
     b'{"lines": [{"sku": "A", "quantity": 1}], "destination": {"country": "PT",'
     b' "postal_code": "1100-053"}, "service_levels": ["overnight"]}', False),
    ("promise no destination", "POST", "/promise", None, JSON,
     b'{"lines": [{"sku": "A", "quantity": 1}]}', False),
    ("reserve", "POST", "/reservations", None, {**JSON, "Idempotency-Key": "k1"},
     cart(("C", 1), ("A", 2)), True),
    ("reserve again", "POST", "/reservations", None, {**JSON, "Idempotency-Key": "k1"},
     cart(("C", 1), ("A", 2)), True),
    ("reserve key reused", "POST", "/reservations", None, {**JSON, "Idempotency-Key": "k1"},
     cart(("A", 1)), True),
    ("reserve short", "POST", "/reservations", None, {**JSON, "Idempotency-Key": "k2"},
     cart(("C", 1), ("B", 9)), True),
    ("reserve at store", "POST", "/reservations", None, {**JSON, "Idempotency-Key": "k3"},
     b'{"lines": [{"sku": "B", "quantity": 1}], "pickup_store": "FAO1", "ttl_seconds": 60}',
     True),
    ("reserve unknown store", "POST", "/reservations", None, {**JSON, "Idempotency-Key": "k4"},
     b'{"lines": [{"sku": "B", "quantity": 1}], "pickup_store": "DC1"}', True),
    ("reserve long key", "POST", "/reservations", None, {**JSON, "Idempotency-Key": "k" * 256},
     cart(("A", 1)), False),
    ("reserve bad ttl", "POST", "/reservations", None, {**JSON, "Idempotency-Key": "k5"},
     b'{"lines": [{"sku": "A", "quantity": 1}], "ttl_seconds": -1}', False),
    ("cart after holds", "POST", "/availability/cart", None, JSON, cart(("A", 1), ("B", 1)),
     True),
    ("promise after holds", "POST", "/promise", None, JSON,
     b'{"lines": [{"sku": "A", "quantity": 1}, {"sku": "B", "quantity": 3}], "destination":'
     b' {"country": "PT", "postal_code": "1100-053"}, "at": "2026-11-26T09:12:00Z"}', True),
    ("listing after holds", "GET", "/availability", [("skus", "A,B,C"), ("stores", "true")], {},
     None, True),
]  # fmt: skip


SOME_STATUSES = {
    "cart": 200, "cart unknown sku": 404, "cart charset": 200, "cart no content type": 422,
    "cart other key": 401, "cart bad key, bad json": 422, "cart empty key, then the key": 401,
    "cart two content types": 422, "listing stores yes": 200,
    "listing nothing": 422, "pickup bad postal code": 422, "pickup limit 0": 422,
    "promise more than stock": 200, "promise bad postal code": 422, "promise unknown sku": 404,
    "promise unknown level": 422, "reserve": 201, "reserve again": 200,
    "reserve key reused": 409, "reserve short": 409, "reserve unknown store": 404,
    "reserve long key": 422,
}  # fmt: skip


def _replay_all(rds, ck_settings, clock, checkout_redis_server, run_api, fast: bool):
    """Run CALLS on a fresh projection: per call (name, answered by FastAPI, status, content
    type, Retry-After, body)."""
    rds.flushdb()
    seed(rds, ck_settings, STOCK)
    app = make_app(checkout_redis_server.port, ck_settings, clock)
    app.state.checkout_fast_path = fast
    app.middleware_stack = app.build_middleware_stack()
    assert isinstance(app.middleware_stack, CheckoutFastPath)
    reached_fastapi = []
    inner = app.middleware_stack.app

    async def counting(scope, receive, send):
        reached_fastapi.append(scope["path"])
        await inner(scope, receive, send)

    app.middleware_stack.app = counting

    async def calls(client):
        answers = []
        for name, method, path, query, headers, body, _fast in CALLS:
            request = client.build_request(
                method, BASE + path, params=query, headers=headers, content=body
            )
            before = len(reached_fastapi)
            reply = await client.send(request)
            answers.append(
                (
                    name,
                    len(reached_fastapi) > before,
                    reply.status_code,
                    reply.headers.get("content-type"),
                    reply.headers.get("retry-after"),
                    reply.json(),
                )
            )
        return answers

    return run_api(calls, app=app)


def test_fast_path_answers_like_fastapi(rds, ck_settings, clock, checkout_redis_server, run_api):
    fast = _replay_all(rds, ck_settings, clock, checkout_redis_server, run_api, fast=True)
    slow = _replay_all(rds, ck_settings, clock, checkout_redis_server, run_api, fast=False)
    for call, a, b in zip(CALLS, fast, slow, strict=True):
        name, _method, _path, _query, _headers, _body, answered_fast = call
        assert a[2:] == b[2:], name
        assert a[1] is not answered_fast, f"{name}: FastAPI reached: {a[1]}"
        assert b[1] is True, name  # switched off, FastAPI answers everything
    statuses = {answer[2] for answer in fast}  # the set covers answers of every kind
    assert {200, 201, 401, 404, 409, 422} <= statuses
    status_of = {answer[0]: answer[2] for answer in fast}
    assert {name: status_of[name] for name in SOME_STATUSES} == SOME_STATUSES
    promise = next(answer[-1] for answer in fast if answer[0] == "promise")
    assert [p["status"] for p in promise["promises"]] == ["complete", "complete"]


@pytest.mark.parametrize("fast", [True, False])
def test_fast_path_keeps_dependency_overrides_and_other_routes(
    rds, ck_settings, clock, checkout_redis_server, run_api, fast
):
    """Tests that override a dependency get FastAPI; other checkout routes are untouched."""
    from sync_service.checkout.dependencies import authorised_caller
    from sync_service.checkout.exceptions import BadApiKey

    seed(rds, ck_settings, STOCK)
    app = make_app(checkout_redis_server.port, ck_settings, clock)
    app.state.checkout_fast_path = fast

    async def refuse():
        raise BadApiKey("overridden")

    app.dependency_overrides[authorised_caller] = refuse

    async def calls(client):
        cart_reply = await client.post(f"{BASE}/availability/cart", content=cart(("A", 1)),
                                       headers=JSON)  # fmt: skip
        app.dependency_overrides.clear()
        pickup = await client.post(f"{BASE}/availability/pickup", content=cart(("A", 1)),
                                   headers=JSON)  # fmt: skip
        return cart_reply, pickup

    cart_reply, pickup = run_api(calls, app=app)
    assert cart_reply.status_code == 401 and cart_reply.json()["detail"] == "overridden"
    assert pickup.status_code == 200 and pickup.json()["stores_available"] == 2


def test_a_body_past_the_limit_goes_to_fastapi_whole(
    rds, ck_settings, clock, checkout_redis_server, run_api
):
    """A streamed body over MAX_BODY: the fast path stops reading and FastAPI gets every
    byte (what was read, then the rest of the stream)."""
    from sync_service.checkout.fast_path import MAX_BODY

    seed(rds, ck_settings, STOCK)
    app = make_app(checkout_redis_server.port, ck_settings, clock)
    app.middleware_stack = app.build_middleware_stack()
    inner, reached = app.middleware_stack.app, []

    async def counting(scope, receive, send):
        reached.append(scope["path"])
        await inner(scope, receive, send)

    app.middleware_stack.app = counting
    compact = cart(("A", 3), ("C", 1))
    padded = compact[:-1] + b" " * (MAX_BODY + 50_000) + b"}"

    async def chunks():
        for start in range(0, len(padded), 16 * 1024):
            yield padded[start : start + 16 * 1024]

    async def calls(client):
        url = f"{BASE}/availability/cart"
        small = await client.post(url, content=compact, headers=JSON)
        assert not reached  # answered by the fast path
        big = await client.post(url, content=chunks(), headers=JSON)
        return small, big

    small, big = run_api(calls, app=app)
    assert reached == [f"{BASE}/availability/cart"]
    assert big.status_code == small.status_code == 200, big.text
    assert big.json() == small.json()


@pytest.mark.parametrize("fast", [True, False])
def test_a_non_ascii_key_is_compared_as_fastapi_reads_it(
    rds, checkout_redis_server, clock, run_api, fast
):
    """Header bytes are latin-1 to Starlette: the key "ck_tëst..." matches the byte 0xEB,
    not its UTF-8 encoding - on both paths."""
    from sync_service.checkout.config import CheckoutSettings

    key = "ck_tëst_webshop_0123456789"
    settings = CheckoutSettings(api_keys={CHANNEL: key}, _env_file=None)
    seed(rds, settings, STOCK)
    app = make_app(checkout_redis_server.port, settings, clock)
    app.state.checkout_fast_path = fast

    async def calls(client):
        url = f"{BASE}/availability/cart"
        replies = []
        for raw in (key.encode("latin-1"), key.encode()):
            headers = [(b"X-API-Key", raw), (b"Content-Type", b"application/json")]
            replies.append(await client.post(url, content=cart(("A", 1)), headers=headers))
        return replies

    latin1, utf8 = run_api(calls, app=app)
    assert latin1.status_code == 200, latin1.text
    assert (utf8.status_code, utf8.json()["title"]) == (401, "bad_api_key")
