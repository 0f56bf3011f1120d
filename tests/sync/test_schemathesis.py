"""Schemathesis over the service's own OpenAPI: no 5xx, no answer outside the documents.

Against the running service (the API under uvicorn, both fast paths on, a real redis-server;
no Odoo, so a promise that needs the network answers its documented 503). Every operation gets
a bounded, derandomized run (the same cases every time, part of `make test`). Webhooks are
sent with valid signatures - the generated body is signed for the channel whose provider it
was generated for - so the cases reach the mappings, not only the signature check. Checkout
calls carry the channel's API key and, for half of them, SKUs and a hold that exist.
"""

from __future__ import annotations

import json
import sys
import uuid
import zlib
from contextlib import ExitStack
from dataclasses import dataclass

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sync_service.carriers import normalise
from sync_service.checkout.config import CheckoutSettings
from sync_service.checkout.projection import rebuild_projection
from sync_service.config import Settings
from sync_service.inbox.providers import generic, shopify, shopware, woocommerce
from sync_service.main import create_app
from tests import odoo_env
from tests.sync import helpers
from tests.sync.checkout_conftest import seed
from tests.sync.conftest import free_port
from tests.sync.processes import start_api
from tests.sync.test_e2e_odoo import integration_settings, running_odoo

pytestmark = pytest.mark.integration

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]  # fmt: skip
API_KEY = "ck_test_schemathesis_0123456789"
CHECKOUT = CheckoutSettings(api_keys={"webshop": API_KEY}, _env_file=None)
EXAMPLES = 60  # per operation: bounded, and the same cases every run (derandomized)
# Which channel (or carrier) a generated body belongs to: the first model it is valid for.
PROVIDERS = [
    (shopify.ShopifyRefund, "webshop", "refund"),
    (shopify.ShopifyOrder, "webshop", "order"),
    (woocommerce.WooOrder, "woo", None),
    (shopware.SwWebhook, "sw6", None),
    (generic.GenericEnvelope, "custom", None),
    (normalise.EpEvent, "carriers/dhl", None),
    (normalise.AsWebhook, "carriers/dhl-de", None),
]


@pytest.fixture(scope="module")
def service(redis_server, tmp_path_factory):
    """The API under uvicorn, with a real Odoo 18 behind it when there is one here (promises
    then come from its network); without, a promise answers its documented 503."""
    workdir = tmp_path_factory.mktemp("schemathesis")
    client = redis_server.client()
    client.flushdb()
    with ExitStack() as stack:
        if odoo_env.why_no_odoo() is None:
            odoo = stack.enter_context(running_odoo(workdir))
            settings, _currency = integration_settings(odoo, redis_server.url)
            export = odoo.admin("oms.channel", "export_sellable", "webshop", None)
            rebuild_projection("webshop", lambda _code: export, redis=client, settings=CHECKOUT)
            # The best-stocked first: the fixture's hold takes one unit of it.
            stock = sorted(export["stock"], key=lambda row: -float(row["sellable"]))
            skus = list(dict.fromkeys(row["sku"] for row in stock))
        else:
            odoo = None
            sys.stderr.write(f"\n# SCHEMATHESIS WITHOUT ODOO: {odoo_env.why_no_odoo()}; "
                             "promises answer their documented 503\n")  # fmt: skip
            closed = f"http://127.0.0.1:{free_port()}"
            settings = helpers.make_settings(redis_server.url, odoo_url=closed)
            skus = ["TSHIRT-RED-M", "MUG-STONE", "CAP-GREY"]
            seed(client, CHECKOUT, [(sku, "DC1", 10_000) for sku in skus])
        process, url = start_api(
            settings, workdir, OMS_CHECKOUT_API_KEYS=json.dumps({"webshop": API_KEY}),
            OMS_ODOO_GATEWAY="sync_service.odoo_client:JsonRpcOdoo",
        )  # fmt: skip
        stack.callback(process.stop)
        http = stack.enter_context(
            httpx.Client(base_url=url, timeout=60, headers={"X-API-Key": API_KEY})
        )
        line = {"sku": skus[0], "quantity": 1}
        hold = http.post("/checkout/v1/channels/webshop/reservations",
                         json={"lines": [line], "ttl_seconds": 3600})  # fmt: skip
        assert hold.status_code == 201, hold.text
        yield Service(url, http, hold.json()["reservation_id"], skus, odoo)


@pytest.fixture(scope="module")
def api_schema(service):
    return schemathesis.openapi.from_url(f"{service.url}/openapi.json")


def _operations() -> list[tuple[str, str]]:
    """Every documented operation (the app's OpenAPI, built in-process to name the tests)."""
    app = create_app(Settings(environment="test", odoo_api_key="not-used", _env_file=None))
    return [(method.upper(), path) for path, methods in app.openapi()["paths"].items()
            for method in methods]  # fmt: skip


@pytest.mark.parametrize("method, path", _operations(), ids=lambda value: value)
def test_no_server_error_and_no_answer_outside_the_openapi(api_schema, service, method, path):
    operation = api_schema[path][method]
    # Without Odoo there is no network to promise with: only then is its 503 an answer.
    checks = CHECKS if service.odoo else [no_server_error_but_the_network_s, *CHECKS[1:]]

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(case):
        if path.startswith("/webhooks/"):
            case.validate_response(_send_signed(service.http, case), checks=checks)
            return
        _known_channel_skus_and_hold(case, service)
        response = case.call(base_url=service.url, headers={"X-API-Key": API_KEY})
        case.validate_response(response, checks=checks)

    run()


@dataclass(frozen=True)
class Service:
    url: str
    http: httpx.Client
    hold: str
    skus: list[str]
    odoo: object | None


def _known_channel_skus_and_hold(case, service: Service) -> None:
    """For three cases in four (a stable coin per case), the channel, SKUs and hold that
    exist: random strings alone would rarely get past "unknown channel" or "unknown SKU"."""
    if zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode()) % 4 == 0:
        return
    if case.path_parameters and "channel" in case.path_parameters:
        case.path_parameters["channel"] = "webshop"
        if "reservation_id" in case.path_parameters:
            case.path_parameters["reservation_id"] = service.hold
    if not isinstance(case.body, dict):
        return
    for line in case.body.get("lines") or []:
        if isinstance(line, dict):
            line["sku"] = service.skus[zlib.crc32(repr(line).encode()) % len(service.skus)]
    for place in ("destination", "near"):  # a postal code of the demo network's country
        if isinstance(case.body.get(place), dict):
            case.body[place].update(country="DE", postal_code="10115")


@schemathesis.check
def no_server_error_but_the_network_s(ctx, response, case):
    """``not_a_server_error``, except the documented 503 of a promise with no network."""
    if response.status_code == 503 and b"network_unavailable" in response.content:
        return True
    return not_a_server_error(ctx, response, case)


def _send_signed(http: httpx.Client, case) -> httpx.Response:
    body = json.dumps(case.body).encode()
    path, kind = _channel_of(case.body, case.operation.path)
    headers = {"Content-Type": "application/json"}
    delivery = uuid.uuid4().hex
    if path == "webshop":
        topic = "refunds/create" if kind == "refund" else "orders/updated"
        signature = helpers.b64_hmac(helpers.SHOPIFY_SECRET, body)
        headers |= {"X-Shopify-Topic": topic, "X-Shopify-Webhook-Id": delivery,
                    "X-Shopify-Hmac-Sha256": signature}  # fmt: skip
    elif path == "woo":
        signature = helpers.b64_hmac(helpers.WOO_SECRET, body)
        headers |= {"X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-Delivery-ID": delivery,
                    "X-WC-Webhook-Signature": signature}  # fmt: skip
    elif path == "sw6":
        headers["shopware-shop-signature"] = helpers.hex_hmac(helpers.SHOPWARE_SECRET, body)
    elif path == "custom":
        _body, signed = helpers.generic(case.body, msg_id=f"msg_{delivery}")
        headers |= {k: v for k, v in signed.items() if k.startswith("webhook-")}
        body = _body
    elif path == "carriers/dhl":
        headers["X-Hmac-Signature"] = "hmac-sha256-hex=" + helpers.hex_hmac(
            helpers.EASYPOST_SECRET, body
        )
    else:
        headers["aftership-hmac-sha256"] = helpers.b64_hmac(helpers.AFTERSHIP_SECRET, body)
    return http.post(f"/webhooks/{path}", content=body, headers=headers)


def _channel_of(body, route: str) -> tuple[str, str | None]:
    carriers = route.startswith("/webhooks/carriers/")
    candidates = [p for p in PROVIDERS if p[1].startswith("carriers/") == carriers]
    for model, path, kind in candidates:
        try:
            model.model_validate(body)
        except ValidationError:
            continue
        return path, kind
    # Valid for none (JSON Schema is looser than the models): any channel of the route.
    _model, path, kind = candidates[zlib.crc32(repr(body).encode()) % len(candidates)]
    return path, kind
