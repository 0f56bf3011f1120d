"""Every bad request gets a 4xx with a problem+json body, never a 500 (issue 13).

Against the running service: the API under uvicorn (both fast paths included), a real
redis-server. Each case is a request an attacker or a broken shop plugin can send: a
signature header with non-ASCII bytes, a correctly signed payload whose values the mapping
cannot use, a hold's lifetime of 1e308 seconds, a body that is not UTF-8 or nested too deep.
"""

from __future__ import annotations

import copy
import json

import httpx
import pytest

from sync_service.inbox import keys
from tests.sync import helpers
from tests.sync.conftest import free_port
from tests.sync.processes import start_api

pytestmark = pytest.mark.integration

CHECKOUT_KEY = "ck_test_hostile_0123456789"
CHECKOUT = "/checkout/v1/channels/webshop"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def service(redis_server, tmp_path_factory):
    # No Odoo listens at odoo_url: a promise needing the network meets a refused connection.
    settings = helpers.make_settings(redis_server.url, odoo_url=f"http://127.0.0.1:{free_port()}")
    # The real JSON-RPC client: the 503 test needs its errors as they are.
    process, url = start_api(
        settings, tmp_path_factory.mktemp("hostile"),
        OMS_CHECKOUT_API_KEYS=json.dumps({"webshop": CHECKOUT_KEY}),
        OMS_ODOO_GATEWAY="sync_service.odoo_client:JsonRpcOdoo",
    )  # fmt: skip
    with httpx.Client(base_url=url, timeout=30) as client:
        yield client
    process.stop()


def assert_problem(reply: httpx.Response, status: int, field: str | None = None) -> dict:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith(PROBLEM), reply.headers
    body = reply.json()
    assert body["status"] == status and body["title"] and body["detail"], body
    if field is not None:
        assert body.get("field") == field, body
    return body


def rejected(client: httpx.Client, source: str, reason: str) -> float:
    """This process's count of deliveries refused for ``reason`` (Prometheus text)."""
    total = 0.0
    for line in client.get("/metrics").text.splitlines():
        name, _, value = line.rpartition(" ")
        if (name.startswith("oms_webhooks_rejected_total{") and f'source="{source}"' in name
                and f'reason="{reason}"' in name):  # fmt: skip
            total += float(value)
    return total


# ----------------------------------------------------------------- signatures

SIGNATURE_HEADERS = [
    ("webshop", helpers.shopify, "X-Shopify-Hmac-Sha256"),
    ("woo", helpers.woocommerce, "X-WC-Webhook-Signature"),
    ("sw6", helpers.shopware, "shopware-shop-signature"),
    ("custom", helpers.generic, "webhook-signature"),
    ("carriers/dhl", helpers.easypost, "X-Hmac-Signature"),
    ("carriers/dhl-de", helpers.aftership, "aftership-hmac-sha256"),
]


@pytest.mark.parametrize(
    "path, signer, header", SIGNATURE_HEADERS, ids=[p for p, *_ in SIGNATURE_HEADERS]
)
@pytest.mark.parametrize("value", [b"\xc3\xa9t\xc3\xa9", b"v1,\xff\xfe", b"hmac-sha256-hex=\xe9"])
def test_a_signature_header_with_non_ascii_bytes_is_a_counted_401(
    service, redis_client, path, signer, header, value
):
    body, headers = signer()
    headers[header] = value
    source = path.rsplit("/", 1)[-1]
    before = rejected(service, source, "bad_signature")
    reply = service.post(f"/webhooks/{path}", content=body, headers=headers)
    assert_problem(reply, 401)
    assert rejected(service, source, "bad_signature") == before + 1
    assert redis_client.xlen(keys.STREAM) == 0


# ----------------------------------------------------------------- signed, but unusable


def changed(fixture: str, path: str, value) -> dict:
    """The fixture payload with the value at ``path`` (dotted, list indexes as numbers)."""
    payload = copy.deepcopy(helpers.fixture(fixture))
    *parents, last = path.split(".")
    node = payload
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[int(last) if isinstance(node, list) else last] = value
    return payload


YEAR_1 = "0001-01-01T00:00:00+14:00"  # before the calendar starts, once in UTC
YEAR_9999 = "9999-12-31T23:59:59-14:00"  # after it ends
HUGE = "1e999999999"  # a valid decimal that overflows any arithmetic on it

SHOPIFY = ("webshop", "shopify_order.json", lambda p: helpers.shopify(p))
REFUND = ("webshop", "shopify_refund.json", lambda p: helpers.shopify(p, topic="refunds/create"))
WOO = ("woo", "woocommerce_order.json", lambda p: helpers.woocommerce(p))
SHOPWARE = ("sw6", "shopware_order_placed.json", lambda p: helpers.shopware(p))
GENERIC = ("custom", "generic_order.json", lambda p: helpers.generic(p))
EASYPOST = ("carriers/dhl", "easypost_tracker_updated.json", lambda p: helpers.easypost(p))
AFTERSHIP = ("carriers/dhl-de", "aftership_tracking_update.json", lambda p: helpers.aftership(p))
SW_ORDER = "data.payload.order."

UNUSABLE = [
    (SHOPIFY, "line_items.0.quantity", 0, None),
    (SHOPIFY, "line_items.0.quantity", -2, None),
    (SHOPIFY, "shipping_address.country_code", "PRT", None),
    (SHOPIFY, "created_at", YEAR_1, None),
    (SHOPIFY, "updated_at", YEAR_9999, None),
    (SHOPIFY, "line_items.0.price", "abc", None),
    (SHOPIFY, "line_items.0.price", HUGE, None),
    (SHOPIFY, "total_price", "-" + HUGE, None),
    (REFUND, "refund_line_items.0.quantity", -1, None),
    (REFUND, "created_at", YEAR_1, None),
    (REFUND, "transactions.0.amount", HUGE, None),
    (WOO, "line_items.0.quantity", 0, None),
    (WOO, "shipping.country", "DEU", None),
    (WOO, "date_modified_gmt", YEAR_9999, None),
    (WOO, "line_items.0.subtotal", HUGE, None),
    (WOO, "total", "abc", None),
    (SHOPWARE, SW_ORDER + "lineItems.0.payload.productNumber", 4711, None),
    (SHOPWARE, SW_ORDER + "transactions.0.paymentMethod.name", 42, None),
    (SHOPWARE, SW_ORDER + "lineItems.0.quantity", 0, None),
    (SHOPWARE, SW_ORDER + "deliveries.0.shippingOrderAddress.country.iso", "FRA", None),
    (SHOPWARE, SW_ORDER + "deliveries.0.shippingCosts.totalPrice", "abc", None),
    (SHOPWARE, SW_ORDER + "orderDateTime", YEAR_1, None),
    (SHOPWARE, SW_ORDER + "amountTotal", HUGE, None),
    (GENERIC, "data.lines.0.quantity", 0, None),
    (GENERIC, "data.lines.0.unit_price", HUGE, None),
    (GENERIC, "data.shipping_address.country_code", "PRT", None),
    (GENERIC, "data.placed_at", YEAR_1, None),
    (GENERIC, "data.placed_at", "next tuesday", None),
    (GENERIC, "data.external_version", -5, None),
    (EASYPOST, "result.tracking_details.1.datetime", YEAR_1, None),
    (EASYPOST, "result.updated_at", YEAR_9999, None),
    (AFTERSHIP, "msg.checkpoints.1.checkpoint_time", YEAR_1, None),
    (AFTERSHIP, "msg.updated_at", YEAR_9999, None),
]


@pytest.mark.parametrize(
    "provider, path, value, field",
    UNUSABLE,
    ids=[f"{p[0]}-{path.rsplit('.', 2)[-1]}={value}"[:60] for p, path, value, _ in UNUSABLE],
)
def test_a_signed_payload_the_mapping_cannot_use_is_422_naming_the_field(
    service, redis_client, provider, path, value, field
):
    channel, fixture, sign = provider
    body, headers = sign(changed(fixture, path, value))
    reply = service.post(f"/webhooks/{channel}", content=body, headers=headers)
    assert_problem(reply, 422, field or path)
    assert redis_client.xlen(keys.STREAM) == 0


def test_a_generic_order_without_lines_is_refused_like_every_other_provider(service, redis_client):
    body, headers = helpers.generic(changed("generic_order.json", "data.lines", []))
    assert_problem(service.post("/webhooks/custom", content=body, headers=headers), 422,
                   "data.lines")  # fmt: skip
    for channel, fixture, sign, lines in (
        ("webshop", "shopify_order.json", helpers.shopify, "line_items"),
        ("woo", "woocommerce_order.json", helpers.woocommerce, "line_items"),
        ("sw6", "shopware_order_placed.json", helpers.shopware, SW_ORDER + "lineItems"),
    ):
        body, headers = sign(changed(fixture, lines, []))
        reply = service.post(f"/webhooks/{channel}", content=body, headers=headers)
        assert_problem(reply, 422, lines)
    assert redis_client.xlen(keys.STREAM) == 0


# ----------------------------------------------------------------- checkout


def test_a_hold_of_1e308_seconds_is_422_on_create_and_on_extend(service, redis_client):
    headers = {"X-API-Key": CHECKOUT_KEY, "Content-Type": "application/json"}
    line = {"sku": "TSHIRT-RED-M", "quantity": 1}
    # 1e400 and 10**400 are not even numbers a float holds: refused as the body (422).
    for ttl, field in (("1e308", "ttl_seconds"), ("691200", "ttl_seconds"), ("1e400", None),
                       (str(10**400), None)):  # fmt: skip
        body = f'{{"lines": [{json.dumps(line)}], "ttl_seconds": {ttl}}}'
        reply = service.post(f"{CHECKOUT}/reservations", headers=headers, content=body)
        assert_problem(reply, 422, field)
        reply = service.post(f"{CHECKOUT}/reservations/webshop.0123456789abcdef/extend",
                             headers=headers, content=f'{{"ttl_seconds": {ttl}}}')  # fmt: skip
        assert_problem(reply, 422, field)


@pytest.mark.parametrize(
    "body",
    [b'{"lines": [{"sku": "\xff\xfe", "quantity": 1}]}', b"[" * 50_000 + b"]" * 50_000],
    ids=["not-utf-8", "nested-too-deep"],
)
@pytest.mark.parametrize("route", ["availability/cart", "reservations", "promise"])
def test_a_body_that_is_not_utf8_or_nested_too_deep_is_a_problem_400(service, body, route):
    headers = {"X-API-Key": CHECKOUT_KEY, "Content-Type": "application/json"}
    reply = service.post(f"{CHECKOUT}/{route}", content=body, headers=headers)
    assert_problem(reply, 400)


def test_openapi_documents_the_400_of_every_checkout_route_with_a_body(service):
    paths = service.get("/openapi.json").json()["paths"]
    for path, methods in paths.items():
        for method, operation in methods.items():
            if path.startswith("/checkout/") and "requestBody" in operation:
                assert PROBLEM in operation["responses"]["400"]["content"], (method, path)


def test_options_on_a_reservation_names_every_method_it_answers(service):
    reply = service.options(f"{CHECKOUT}/reservations/webshop.0123456789abcdef",
                            headers={"X-API-Key": CHECKOUT_KEY})  # fmt: skip
    assert_problem(reply, 405)
    allowed = {m.strip() for m in reply.headers["allow"].split(",")}
    assert {"GET", "DELETE"} <= allowed and "POST" not in allowed


def test_a_503_says_what_happened_without_odoo_internals(service, redis_client):
    from sync_service.checkout.config import CheckoutSettings
    from tests.sync.checkout_conftest import seed

    settings = CheckoutSettings(api_keys={"webshop": CHECKOUT_KEY}, _env_file=None)
    seed(redis_client, settings, [("TSHIRT-RED-M", "DC1", 5)])
    reply = service.post(f"{CHECKOUT}/promise", headers={"X-API-Key": CHECKOUT_KEY}, json={
        "lines": [{"sku": "TSHIRT-RED-M", "quantity": 1}],
        "destination": {"country": "PT", "postal_code": "1100-148"}})  # fmt: skip
    body = assert_problem(reply, 503)
    assert body["title"] == "network_unavailable"
    assert "retry" in body["detail"]
    for internal in ("oms.channel", "export_network", "Errno", "ConnectError", "127.0.0.1"):
        assert internal not in body["detail"], body["detail"]
