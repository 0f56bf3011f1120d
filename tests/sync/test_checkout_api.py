# ruff: noqa: F811  (pytest fixtures imported from checkout_conftest)
"""The checkout API in-process over ASGI, on a real Redis: keys, errors, availability, holds."""

from __future__ import annotations

import asyncio

from tests.sync.checkout_conftest import (  # noqa: F401
    API_KEY,
    CHANNEL,
    OTHER_KEY,
    checkout_redis_server,
    ck_settings,
    clock,
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


def is_problem(reply, status: int, title: str) -> dict:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    body = reply.json()
    assert body["title"] == title and body["status"] == status and body["detail"]
    assert body["type"] == f"urn:oms:problem:{title}"
    return body


def test_api_keys_are_per_channel(rds, ck_settings, run_api):
    seed(rds, ck_settings, STOCK)

    async def calls(client):
        ok = await client.get(f"{BASE}/availability", params={"sku": "A"})
        missing = await client.get(f"{BASE}/availability", params={"sku": "A"},
                                   headers={"X-API-Key": ""})  # fmt: skip
        del client.headers["X-API-Key"]
        absent = await client.get(f"{BASE}/availability", params={"sku": "A"})
        other = await client.get(f"{BASE}/availability", params={"sku": "A"},
                                 headers={"X-API-Key": OTHER_KEY})  # fmt: skip
        unknown = await client.get("/checkout/v1/channels/nope/availability",
                                   params={"sku": "A"}, headers={"X-API-Key": API_KEY})  # fmt: skip
        return ok, missing, absent, other, unknown

    ok, missing, absent, other, unknown = run_api(calls)
    assert ok.status_code == 200
    is_problem(missing, 401, "missing_api_key")  # an empty key is no key
    is_problem(absent, 401, "missing_api_key")
    is_problem(other, 401, "bad_api_key")
    assert is_problem(unknown, 404, "unknown_channel")["field"] == "channel"


def test_listing_page_and_unknown_skus(rds, ck_settings, run_api):
    seed(rds, ck_settings, STOCK)

    async def calls(client):
        page = await client.get(f"{BASE}/availability", params={"sku": ["A", "B", "C", "ZZ"]})
        comma = await client.get(f"{BASE}/availability", params={"skus": "A,B,C,ZZ"})
        none_known = await client.get(f"{BASE}/availability", params={"sku": ["ZZ"]})
        too_many = await client.get(
            f"{BASE}/availability", params={"sku": [f"S{i}" for i in range(101)]}
        )
        return page, comma, none_known, too_many

    page, comma, none_known, too_many = run_api(calls)
    assert comma.json() == page.json()
    assert page.status_code == 200
    assert page.json() == {
        "channel": CHANNEL,
        "skus": [
            {"sku": "A", "available": 8, "in_stock": True},
            {"sku": "B", "available": 5, "in_stock": True},
            {"sku": "C", "available": 1, "in_stock": True},
        ],
        "unknown": ["ZZ"],
    }
    assert is_problem(none_known, 404, "unknown_sku")["skus"] == ["ZZ"]
    assert is_problem(too_many, 422, "invalid_request")["field"] == "sku"


def test_cart_availability_and_validation(rds, ck_settings, run_api):
    seed(rds, ck_settings, STOCK)

    async def calls(client):
        ok = await client.post(f"{BASE}/availability/cart",
                               json={"lines": [{"sku": "A", "quantity": 3},
                                               {"sku": "C", "quantity": 1},
                                               {"sku": "A", "quantity": 2}]})  # fmt: skip
        short = await client.post(f"{BASE}/availability/cart",
                                  json={"lines": [{"sku": "C", "quantity": 2}]})  # fmt: skip
        unknown = await client.post(f"{BASE}/availability/cart",
                                    json={"lines": [{"sku": "X", "quantity": 1}]})  # fmt: skip
        invalid = await client.post(f"{BASE}/availability/cart",
                                    json={"lines": [{"sku": "A", "quantity": 0}]})  # fmt: skip
        return ok, short, unknown, invalid

    ok, short, unknown, invalid = run_api(calls)
    assert ok.json()["available"] is True
    assert ok.json()["lines"] == [
        {"sku": "A", "requested": 5, "available": 8, "ok": True},
        {"sku": "C", "requested": 1, "available": 1, "ok": True},
    ]
    assert short.json()["available"] is False
    assert is_problem(unknown, 404, "unknown_sku")["skus"] == ["X"]
    body = is_problem(invalid, 422, "invalid_request")
    assert body["field"] == "lines.0.quantity"


def test_reserve_refuse_release_convert_over_http(rds, ck_settings, clock, run_api):
    seed(rds, ck_settings, STOCK)

    async def calls(client):
        cart = {"lines": [{"sku": "C", "quantity": 1}, {"sku": "A", "quantity": 8}]}
        first = await client.post(f"{BASE}/reservations", json=cart,
                                  headers={"Idempotency-Key": "cart-1"})  # fmt: skip
        retry = await client.post(f"{BASE}/reservations", json=cart,
                                  headers={"Idempotency-Key": "cart-1"})  # fmt: skip
        refused = await client.post(f"{BASE}/reservations",
                                    json={"lines": [{"sku": "A", "quantity": 1},
                                                    {"sku": "B", "quantity": 1}]})  # fmt: skip
        rid = first.json()["reservation_id"]
        converted = await client.post(f"{BASE}/reservations/{rid}/convert",
                                      json={"order_ref": "S00042"})  # fmt: skip
        release_converted = await client.delete(f"{BASE}/reservations/{rid}")
        second = await client.post(f"{BASE}/reservations",
                                   json={"lines": [{"sku": "B", "quantity": 5}]})  # fmt: skip
        released = await client.delete(f"{BASE}/reservations/{second.json()['reservation_id']}")
        after = await client.get(f"{BASE}/availability", params={"sku": ["A", "B"]})
        foreign = await client.get(f"{BASE}/reservations/marketplace.{'0' * 32}")
        return first, retry, refused, converted, release_converted, released, after, foreign

    first, retry, refused, converted, release_converted, released, after, foreign = run_api(calls)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["state"] == "active" and body["reservation_id"].startswith(f"{CHANNEL}.")
    assert body["lines"] == [{"sku": "C", "quantity": 1, "store": None},
                             {"sku": "A", "quantity": 8, "store": None}]  # fmt: skip
    assert retry.status_code == 200 and retry.json()["reservation_id"] == body["reservation_id"]
    lines = is_problem(refused, 409, "insufficient_stock")["lines"]
    assert lines == [{"sku": "A", "store": None, "requested": 1, "available": 0}]
    assert converted.json()["state"] == "converted"
    assert converted.json()["order_ref"] == "S00042"
    is_problem(release_converted, 409, "reservation_conflict")
    assert released.json()["state"] == "released"
    assert [x["available"] for x in after.json()["skus"]] == [0, 5]
    is_problem(foreign, 404, "unknown_reservation")


def test_fifty_concurrent_http_checkouts_for_the_last_unit(rds, ck_settings, run_api):
    async def storm(client):
        winners = []
        for round_no in range(10):
            sku = f"LAST{round_no}"
            seed(rds, ck_settings, [(sku, "DC1", 1), (sku, "LIS1", 0)])
            body = {"lines": [{"sku": sku, "quantity": 1}]}
            replies = await asyncio.gather(
                *[client.post(f"{BASE}/reservations", json=body) for _ in range(50)]
            )
            codes = sorted(r.status_code for r in replies)
            assert set(codes) <= {201, 409}, codes
            winners.append(codes.count(201))
        return winners

    assert run_api(storm) == [1] * 10


def test_pickup_stores_nearest_first(rds, ck_settings, run_api):
    seed(rds, ck_settings, STOCK)

    async def calls(client):
        url = f"{BASE}/availability/pickup"
        near_porto = await client.post(url, json={
            "lines": [{"sku": "B", "quantity": 1}],
            "near": {"country": "PT", "lat": 41.16, "lon": -8.62}})  # fmt: skip
        by_postal = await client.post(url, json={
            "lines": [{"sku": "B", "quantity": 1}],
            "near": {"country": "PT", "postal_code": "8005-139"}})  # fmt: skip
        cart = await client.post(url, json={
            "lines": [{"sku": "A", "quantity": 2}, {"sku": "B", "quantity": 1}],
            "only_available": False})  # fmt: skip
        bad_postal = await client.post(url, json={
            "lines": [{"sku": "B", "quantity": 1}],
            "near": {"country": "PT", "postal_code": "11000"}})  # fmt: skip
        hold = await client.post(f"{BASE}/reservations", json={
            "lines": [{"sku": "B", "quantity": 1}], "pickup_store": "FAO1"})  # fmt: skip
        after_hold = await client.post(url, json={"lines": [{"sku": "B", "quantity": 1}]})
        not_a_store = await client.post(f"{BASE}/reservations", json={
            "lines": [{"sku": "B", "quantity": 1}], "pickup_store": "DC1"})  # fmt: skip
        return near_porto, by_postal, cart, bad_postal, hold, after_hold, not_a_store

    near_porto, by_postal, cart, bad_postal, hold, after_hold, not_a_store = run_api(calls)
    body = near_porto.json()
    assert body["stores_available"] == 3
    assert [x["store"] for x in body["stores"]] == ["OPO1", "LIS1", "FAO1"]
    assert body["stores"][0]["distance_km"] < 3
    assert by_postal.json()["stores"][0]["store"] == "FAO1"
    stores = {x["store"]: x for x in cart.json()["stores"]}
    assert cart.json()["stores_available"] == 1 and stores["LIS1"]["available"] is True
    assert stores["OPO1"]["lines"][0] == {"sku": "A", "requested": 2, "available": 1, "ok": False}
    assert is_problem(bad_postal, 422, "invalid_postal_code")["field"] == "near.postal_code"
    assert hold.status_code == 201 and hold.json()["lines"][0]["store"] == "FAO1"
    assert [x["store"] for x in after_hold.json()["stores"]] == ["LIS1", "OPO1"]
    is_problem(not_a_store, 404, "unknown_store")


def test_projection_not_ready_is_503_with_retry_after(rds, run_api):
    async def calls(client):
        return await client.get(f"{BASE}/availability", params={"sku": "A"})

    reply = run_api(calls)
    is_problem(reply, 503, "projection_not_ready")
    assert reply.headers["retry-after"]


def test_openapi_documents_models_examples_and_problems(run_api):
    async def calls(client):
        return (await client.get("/openapi.json")).json()

    spec = run_api(calls)
    reserve = spec["paths"]["/checkout/v1/channels/{channel}/reservations"]["post"]
    assert "application/problem+json" in reserve["responses"]["409"]["content"]
    assert reserve["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Reservation"
    )
    schemas = spec["components"]["schemas"]
    for name in ("Reservation", "PromiseResponse", "PickupAvailability", "CartAvailability"):
        assert schemas[name].get("examples"), name
    params = {p["name"] for p in reserve["parameters"]}
    assert {"channel", "idempotency-key"} <= params
    assert reserve["security"] == [{"ChannelApiKey": []}]
    scheme = spec["components"]["securitySchemes"]["ChannelApiKey"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-API-Key")


def test_answers_match_their_documented_models(rds, ck_settings, run_api):
    """The hot endpoints answer plain dicts (no re-validation): check them against the
    response models the OpenAPI page documents."""
    from sync_service.checkout import schemas as s

    seed(rds, ck_settings, STOCK)

    async def calls(client):
        cart = {"lines": [{"sku": "A", "quantity": 1}, {"sku": "B", "quantity": 2}]}
        reserved = await client.post(f"{BASE}/reservations", json=cart)
        rid = reserved.json()["reservation_id"]
        return {
            s.ListingAvailability: await client.get(f"{BASE}/availability", params={"skus": "A,B"}),
            s.CartAvailability: await client.post(f"{BASE}/availability/cart", json=cart),
            s.PickupAvailability: await client.post(f"{BASE}/availability/pickup", json=cart),
            s.Reservation: reserved,
            "get": await client.get(f"{BASE}/reservations/{rid}"),
            "release": await client.delete(f"{BASE}/reservations/{rid}"),
        }

    replies = run_api(calls)
    for model, reply in replies.items():
        assert reply.status_code in (200, 201), reply.text
        (model if isinstance(model, type) else s.Reservation).model_validate(reply.json())
    assert replies[s.Reservation].json()["expires_at"].endswith("Z")
    assert replies["release"].json()["state"] == "released"


def test_listing_counts_the_stores_holding_each_sku(rds, ck_settings, run_api):
    seed(rds, ck_settings, STOCK)

    async def calls(client):
        before = await client.get(f"{BASE}/availability", params={"skus": "A,B,C", "stores": True})
        hold = {"lines": [{"sku": "B", "quantity": 1}], "pickup_store": "FAO1"}
        await client.post(f"{BASE}/reservations", json=hold)
        after = await client.get(f"{BASE}/availability", params={"skus": "B", "stores": "true"})
        return before.json(), after.json()

    before, after = run_api(calls)
    # A: LIS1 2, OPO1 1, FAO1 0 -> 2 stores; B: 1, 3, 1 -> 3; C: DC1 only -> 0
    assert [(x["sku"], x["available"], x["stores_in_stock"]) for x in before["skus"]] == [
        ("A", 8, 2), ("B", 5, 3), ("C", 1, 0)]  # fmt: skip
    assert after["skus"] == [{"sku": "B", "available": 4, "in_stock": True, "stores_in_stock": 2}]


def test_redis_away_is_503_problem_not_a_traceback(ck_settings, clock, run_api):
    import socket

    from tests.sync.checkout_conftest import make_app

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = make_app(port, ck_settings, clock)

    async def calls(client):
        return await client.get(f"{BASE}/availability", params={"sku": "A"})

    reply = run_api(calls, app=app)
    is_problem(reply, 503, "store_unavailable")
    assert reply.headers["retry-after"]


def test_extend_over_http(rds, ck_settings, run_api):
    seed(rds, ck_settings, STOCK)

    async def calls(client):
        cart = {"lines": [{"sku": "A", "quantity": 1}], "ttl_seconds": 1}
        hold = await client.post(f"{BASE}/reservations", json=cart)
        rid = hold.json()["reservation_id"]
        longer = await client.post(f"{BASE}/reservations/{rid}/extend", json={"ttl_seconds": 600})
        await client.delete(f"{BASE}/reservations/{rid}")
        too_late = await client.post(f"{BASE}/reservations/{rid}/extend", json={})
        return hold.json(), longer.json(), too_late

    hold, longer, too_late = run_api(calls)
    assert longer["state"] == "active" and longer["expires_at"] > hold["expires_at"]
    assert is_problem(too_late, 409, "reservation_conflict")["state"] == "released"


def test_status_tells_readiness_and_freshness(rds, ck_settings, run_api):
    from sync_service.checkout import schemas as s

    async def status(client):
        return (await client.get(f"{BASE}/status")).json()

    before = run_api(status)
    seed(rds, ck_settings, STOCK)

    async def after(client):
        await client.post(f"{BASE}/reservations", json={"lines": [{"sku": "A", "quantity": 1}]})
        return await status(client)

    now = run_api(after)
    s.ChannelStatus.model_validate(now)
    assert (before["ready"], before["skus"], before["active_holds"]) == (False, 0, 0)
    assert (now["ready"], now["skus"], now["active_holds"]) == (True, 3, 1)
    assert now["rebuilt_at"] and not now["rebuilding"]
