"""ASGI fast path for the checkout's hot calls: availability, promise, reserving.

Every product page, listing page and cart view calls these. Through FastAPI a 5-SKU cart costs
about 280 us of CPU in the API process, of which the Redis call and the answer are well under
half: the rest is routing, dependency and parameter resolution, the ``Request`` object and
the middleware layers, per request. This path answers the same requests with the same code
(``CheckoutService``, the same pydantic request models, the same problem+json for errors the
service raises) and no per-request framework work.

It only ever takes the happy path up to the service call: a request it is not sure about -
a missing, unknown or wrong API key, a body or query that does not parse or validate, another
content type, an oversized header, ``dependency_overrides`` set in tests - goes to the FastAPI
route untouched (the body it read is replayed), so every error answer and every edge case is
FastAPI's, by construction. The routes stay declared in ``router.py``: they document the API
(OpenAPI, ``/docs``) and answer everything this path passes on.

Being outside FastAPI's middleware stack, the calls it answers are not seen by middleware
added to the app (``app.add_middleware``): a middleware the checkout needs (CORS, tracing)
has to be applied here too, or the fast path switched off (``checkout_fast_path = False``
on ``app.state``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from urllib.parse import parse_qsl

import orjson
from pydantic import ValidationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from starlette.requests import Request

from sync_service.checkout import schemas as s
from sync_service.checkout.dependencies import checkout_service, checkout_settings
from sync_service.checkout.exceptions import CheckoutError, StoreUnavailable
from sync_service.checkout.router import problem_response
from sync_service.checkout.service import reservation_view

PREFIX = "/checkout/v1/channels/"
# A cart or reservation of 100 lines is about 10 KB: a larger body is read by FastAPI.
MAX_BODY = 64 * 1024
_JSON = b"application/json"
_BOOLS = {"true": True, "1": True, "false": False, "0": False}
log = logging.getLogger(__name__)


class PassOn(Exception):
    """Not sure about this request: let the FastAPI route answer it."""


def _json_body(body: bytes, content_type: bytes | None, model):
    # FastAPI (strict content type) parses a body as JSON only under a JSON content type;
    # anything else (none, parameters, a +json subtype, form data) is left to it.
    if not body or content_type != _JSON:
        raise PassOn
    try:
        return model.model_validate(orjson.loads(body))
    except (orjson.JSONDecodeError, ValidationError):
        raise PassOn from None


async def _cart(service, channel, body, content_type, query, idempotency_key):
    request = _json_body(body, content_type, s.CartRequest)
    return 200, await service.cart(channel, request.lines)


async def _listing(service, channel, body, content_type, query, idempotency_key):
    sku: list[str] = []
    skus = stores = None
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if name == "sku":
            sku.append(value)
        elif name == "skus":
            skus = value  # FastAPI takes the last value of a scalar parameter
        elif name == "stores":
            stores = value
    with_stores = False
    if stores is not None:
        with_stores = _BOOLS.get(stores)
        if with_stores is None:
            raise PassOn  # pydantic's other spellings and its 422 stay FastAPI's
    wanted = [*sku, *(x for x in (skus or "").split(",") if x)]
    return 200, await service.listing(channel, wanted, with_stores)


async def _reserve(service, channel, body, content_type, query, idempotency_key):
    if idempotency_key is not None and len(idempotency_key) > 255:
        raise PassOn
    request = _json_body(body, content_type, s.ReservationRequest)
    hold = await service.reserve(channel, request, idempotency_key)
    return (201 if hold.created else 200), reservation_view(hold)


async def _pickup(service, channel, body, content_type, query, idempotency_key):
    request = _json_body(body, content_type, s.PickupRequest)
    return 200, await service.pickup(channel, request)


async def _promise(service, channel, body, content_type, query, idempotency_key):
    request = _json_body(body, content_type, s.PromiseRequest)
    answer = await service.promise(channel, request)
    return 200, orjson.Fragment(answer.__pydantic_serializer__.to_json(answer))


ROUTES = {
    ("POST", "availability/cart"): _cart,
    ("GET", "availability"): _listing,
    ("POST", "availability/pickup"): _pickup,
    ("POST", "promise"): _promise,
    ("POST", "reservations"): _reserve,
}


class CheckoutFastPath:
    """Outermost ASGI layer: takes the routes of ``ROUTES``, passes everything else on."""

    def __init__(self, app, fastapi_app) -> None:
        self.app = app
        self.fastapi_app = fastapi_app
        self._keys_of = None  # the CheckoutSettings the digests below were made from
        self._digests: dict[str, bytes] = {}

    @classmethod
    def install(cls, fastapi_app) -> None:
        """Wrap FastAPI's whole middleware stack, as the webhook fast path does."""
        build = fastapi_app.build_middleware_stack

        def build_with_fast_path():
            return cls(build(), fastapi_app=fastapi_app)

        fastapi_app.build_middleware_stack = build_with_fast_path

    def _key_digest(self, request: Request, channel: str) -> bytes | None:
        settings = checkout_settings(request)
        if settings is not self._keys_of:  # tests swap settings on app.state
            self._digests = {
                code: hashlib.sha256(key.get_secret_value().encode()).digest()
                for code, key in settings.api_keys.items()
            }
            self._keys_of = settings
        return self._digests.get(channel)

    async def __call__(self, scope, receive, send) -> None:
        path = scope["path"] if scope["type"] == "http" else ""
        if not path.startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        channel, _, rest = path[len(PREFIX) :].partition("/")
        handler = ROUTES.get((scope["method"], rest))
        state = self.fastapi_app.state
        if (
            handler is None
            or not channel
            or self.fastapi_app.dependency_overrides
            or not getattr(state, "checkout_fast_path", True)
        ):
            await self.app(scope, receive, send)
            return
        api_key = content_type = idempotency_key = None
        for name, value in scope["headers"]:  # the first of repeated headers, as Starlette
            if name == b"x-api-key":
                if api_key is None:
                    api_key = value
            elif name == b"content-type":
                if content_type is None:
                    content_type = value
            elif name == b"idempotency-key" and idempotency_key is None:
                idempotency_key = value.decode("latin-1")
        request = Request(scope)
        expected = self._key_digest(request, channel)
        if (
            expected is None
            or not api_key
            # the key as FastAPI compares it: the header read as latin-1, encoded as UTF-8
            or not hmac.compare_digest(
                expected, hashlib.sha256(api_key.decode("latin-1").encode()).digest()
            )
        ):
            await self.app(scope, receive, send)  # FastAPI names the key problem
            return
        body, complete = b"", True
        if scope["method"] == "POST":
            body, complete = await _read_body(receive)
        if not complete:
            await self.app(scope, _replay(body, receive, more_body=True), send)
            return
        try:
            service = getattr(state, "checkout_service", None) or await checkout_service(request)
            status, answer = await handler(
                service, channel, body, content_type, scope["query_string"], idempotency_key
            )
        except PassOn:
            await self.app(scope, _replay(body, receive), send)
            return
        except CheckoutError as error:
            await problem_response(error)(scope, receive, send)
            return
        except (RedisConnectionError, RedisTimeoutError) as error:
            log.warning("checkout: Redis unavailable: %s", error)
            unavailable = StoreUnavailable("stock store unavailable; retry shortly")
            await problem_response(unavailable)(scope, receive, send)
            return
        payload = orjson.dumps(answer)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-length", str(len(payload)).encode()),
                    (b"content-type", _JSON),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


async def _read_body(receive) -> tuple[bytes, bool]:
    """(the body, whether that is all of it): reading stops past ``MAX_BODY``."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), True
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True
        if size > MAX_BODY:
            return b"".join(chunks), False


def _replay(body: bytes, receive, more_body: bool = False):
    """``receive`` for the FastAPI route: what was read already, then the connection's own."""
    sent = False

    async def replay():
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": more_body}

    return replay
