"""MCP server: the customer-service API as tools for AI phone and chat agents.

Run by the agent's host over stdio (``python -m sync_service.customer_service.mcp_server``),
configured with the API's URL and the agent's own customer-service API key::

    OMS_CS_MCP_API_URL=https://oms.example.com   OMS_CS_MCP_API_KEY=cs_live_...

Every tool calls the customer-service API (``/cs/v1``) with that key, so the key's scopes,
the rate limits, the idempotency keys and the audit on the order's chatter ("AI agent (MCP)"
with the client's name) are the API's, enforced once. A tool never answers without the
customer's identity proof, and the API answers "not found" for anything else than the
order the proof names: the agent cannot see another customer's data.
"""

from __future__ import annotations

import hashlib
import os
from typing import Annotated, Any, Literal

import httpx
import orjson
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import Field

from sync_service.customer_service import schemas as s

INSTRUCTIONS = """\
Tools of a retailer's order management system, for helping a customer with an order they
placed. Before anything else, ask the customer for the order number and either the e-mail
address they ordered with or the postal code of the delivery address; every tool needs both.
If a tool says the order was not found, the number and e-mail/postal code do not match: ask
again, never guess. Read the status and options before changing anything, tell the customer
what a change will do, and only change the order once the customer agreed. Answers come in
plain words meant to be read out; money and dates are already formatted.
"""

OrderNumber = Annotated[
    str,
    Field(
        description="The order number the customer gives, e.g. "
        "'#1042' (from the shop's e-mail) or 'S00042'."
    ),
]
Email = Annotated[
    str | None,
    Field(description="The e-mail address the customer ordered with. Give this or postal_code."),
]
PostalCode = Annotated[
    str | None, Field(description="The postal code of the delivery address. Give this or email.")
]
IdempotencyKey = Annotated[
    str | None,
    Field(
        description="Optional: a unique id for this "
        "change (e.g. the conversation id and a counter). Calling again "
        "with the same id returns the first answer and changes nothing "
        "twice. Left out, the same request is recognised by its content."
    ),
]


class ToolRefused(ToolError):
    """The API refused: the message is meant for the model (and the customer)."""


class CustomerServiceTools:
    """The tools, calling the customer-service API over HTTP."""

    def __init__(
        self, api_url: str, api_key: str, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.http = httpx.AsyncClient(
            base_url=api_url.rstrip("/"),
            timeout=60,
            transport=transport,
            headers={"Authorization": f"Bearer {api_key}", "X-OMS-Door": "mcp"},
        )

    async def post(self, path: str, body: dict, key: str | None = None) -> dict:
        headers = {"Idempotency-Key": key} if key else {}
        try:
            reply = await self.http.post(
                f"/cs/v1{path}",
                content=orjson.dumps(body),
                headers={**headers, "Content-Type": "application/json"},
            )
        except httpx.HTTPError:
            raise ToolRefused(
                "The order system cannot be reached right now; try again in a moment."
            ) from None
        data = reply.json() if reply.content else {}
        if reply.status_code >= 400:
            detail = data.get("detail") or reply.text
            if reply.status_code == 404:
                raise ToolRefused(
                    f"Order not found: {detail} Ask the customer to check the "
                    "order number and the e-mail address or postal code."
                )
            raise ToolRefused(f"{detail} (code: {data.get('title') or reply.status_code})")
        return data


def _identity(order: str, email: str | None, postal_code: str | None) -> dict:
    if not (email or postal_code):
        raise ToolRefused(
            "Ask the customer for the e-mail address they ordered with or the "
            "postal code of the delivery address: the order cannot be looked "
            "up without one of them."
        )
    identity = {"order": order, "email": email, "postal_code": postal_code}
    return {key: value for key, value in identity.items() if value}


def _key(given: str | None, tool: str, body: dict) -> str:
    if given:
        return given
    digest = hashlib.sha256(orjson.dumps([tool, body], option=orjson.OPT_SORT_KEYS)).hexdigest()
    return f"mcp-{digest[:40]}"


def build_server(tools: CustomerServiceTools) -> MCPServer:
    server = MCPServer(name="oms-customer-service", instructions=INSTRUCTIONS, version="1.0.0")
    reading = ToolAnnotations(readOnlyHint=True, idempotentHint=True, openWorldHint=False)
    changing = ToolAnnotations(
        readOnlyHint=False, destructiveHint=True, idempotentHint=True, openWorldHint=False
    )

    @server.tool(annotations=reading)
    async def find_order(
        order: OrderNumber, email: Email = None, postal_code: PostalCode = None
    ) -> s.FoundOrder:
        """Find the customer's order by its number and the customer's e-mail address or
        delivery postal code. Returns the order's number, date, state, total and how it is
        delivered. Use it first to check the customer is who they say they are."""
        body = {"identity": _identity(order, email, postal_code)}
        return s.FoundOrder.model_validate(await tools.post("/orders/find", body))

    @server.tool(annotations=reading)
    async def get_order_status(
        order: OrderNumber, email: Email = None, postal_code: PostalCode = None
    ) -> s.OrderStatus:
        """Where the order stands: each parcel with where it ships from, its status, carrier
        and tracking link, the promised date, and what is late and why (late_reasons). Read
        ``summary`` and ``promise`` to the customer."""
        body = {"identity": _identity(order, email, postal_code)}
        return s.OrderStatus.model_validate(await tools.post("/orders/status", body))

    @server.tool(annotations=reading)
    async def get_order_options(
        order: OrderNumber, email: Email = None, postal_code: PostalCode = None
    ) -> s.OrderOptions:
        """What the customer can still change: which lines can be cancelled and how many
        units of each, whether the delivery address and the delivery mode can change (and
        the stores where the order could be collected), whether a return can start - each
        with the reason when it cannot. Check this before offering a change."""
        body = {"identity": _identity(order, email, postal_code)}
        return s.OrderOptions.model_validate(await tools.post("/orders/options", body))

    @server.tool(annotations=changing)
    async def cancel_order(
        order: OrderNumber,
        email: Email = None,
        postal_code: PostalCode = None,
        lines: Annotated[
            list[s.LineRequest] | None,
            Field(
                description="The lines and "
                "quantities to cancel (line_id or sku, quantity). Leave out to "
                "cancel the whole order."
            ),
        ] = None,
        reason: Annotated[str | None, Field(description="Why, in the customer's words.")] = None,
        idempotency_key: IdempotencyKey = None,
    ) -> s.ChangeResult:
        """Cancel the whole order or some of its lines, once the customer confirmed. Only
        what has not left and is not being prepared can be cancelled; the money the customer
        paid for it goes back the way they paid (the answer says how much). Returns what was
        cancelled and the new promise for the rest."""
        body = {
            "identity": _identity(order, email, postal_code),
            "lines": [line.model_dump(mode="json", exclude_none=True) for line in lines or []],
            "reason": reason,
        }
        answer = await tools.post("/orders/cancel", body, _key(idempotency_key, "cancel", body))
        return s.ChangeResult.model_validate(answer)

    @server.tool(annotations=changing)
    async def change_delivery_address(
        order: OrderNumber,
        address: s.Address,
        email: Email = None,
        postal_code: PostalCode = None,
        idempotency_key: IdempotencyKey = None,
    ) -> s.ChangeResult:
        """Send the order (what is not being prepared yet) to a new address, once the
        customer confirmed it. The answer gives the new delivery promise; a country no
        carrier serves is refused."""
        body = {
            "identity": _identity(order, email, postal_code),
            "address": address.model_dump(mode="json"),
        }
        answer = await tools.post(
            "/orders/change-address", body, _key(idempotency_key, "address", body)
        )
        return s.ChangeResult.model_validate(answer)

    @server.tool(annotations=changing)
    async def change_delivery_mode(
        order: OrderNumber,
        mode: Annotated[
            Literal["ship", "pickup"],
            Field(
                description="'ship' to the delivery address, or 'pickup' to collect it in a store."
            ),
        ],
        email: Email = None,
        postal_code: PostalCode = None,
        pickup_store: Annotated[
            str | None,
            Field(description="For 'pickup': the store's code (get_order_options lists them)."),
        ] = None,
        service_level: Annotated[
            Literal["standard", "express"] | None,
            Field(description="For 'ship': standard or express."),
        ] = None,
        idempotency_key: IdempotencyKey = None,
    ) -> s.ChangeResult:
        """Switch between home delivery (standard or express) and collection in a store,
        once the customer agreed. Refused while part of the order is being prepared. Going
        to pickup refunds the shipping paid; express may cost more (the answer says)."""
        body = {
            "identity": _identity(order, email, postal_code),
            "mode": mode,
            "pickup_store": pickup_store,
            "service_level": service_level,
        }
        answer = await tools.post(
            "/orders/change-delivery-mode", body, _key(idempotency_key, "mode", body)
        )
        return s.ChangeResult.model_validate(answer)

    @server.tool(annotations=changing)
    async def start_return(
        order: OrderNumber,
        lines: Annotated[
            list[s.LineRequest],
            Field(description="The lines and quantities the customer sends back."),
        ],
        email: Email = None,
        postal_code: PostalCode = None,
        reason: Annotated[str | None, Field(description="Why, in the customer's words.")] = None,
        idempotency_key: IdempotencyKey = None,
    ) -> s.ChangeResult:
        """Start a return of goods the customer received. Says so when returns cannot be
        started here yet."""
        body = {
            "identity": _identity(order, email, postal_code),
            "lines": [line.model_dump(mode="json", exclude_none=True) for line in lines],
            "reason": reason,
        }
        answer = await tools.post("/orders/returns", body, _key(idempotency_key, "return", body))
        return s.ChangeResult.model_validate(answer)

    return server


def main(environ: dict[str, Any] | None = None) -> None:
    environ = os.environ if environ is None else environ
    url, key = environ.get("OMS_CS_MCP_API_URL"), environ.get("OMS_CS_MCP_API_KEY")
    if not url or not key:
        raise SystemExit("set OMS_CS_MCP_API_URL and OMS_CS_MCP_API_KEY (the agent's API key)")
    build_server(CustomerServiceTools(url, key)).run("stdio")


if __name__ == "__main__":
    main()
