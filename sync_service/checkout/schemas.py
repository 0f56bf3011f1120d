"""Request and response bodies of the checkout APIs (OpenAPI examples included)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sync_service.errors import Problem  # noqa: F401 (the checkout's error body, documented)

Sku = Field(min_length=1, max_length=64, examples=["TSHIRT-RED-M"])
# A hold lives at most the configured maximum (OMS_CHECKOUT_MAX_HOLD_TTL_S); a request may ask
# for more and gets that maximum, but not for a lifetime no clock can count (1e308 s).
MAX_REQUESTED_TTL_S = 7 * 24 * 3600


class CartLine(BaseModel):
    sku: str = Sku
    quantity: int = Field(gt=0, le=10_000, examples=[2])


# ----------------------------------------------------------------- availability


class SkuAvailability(BaseModel):
    sku: str
    available: int = Field(description="Sellable units for the channel: projection - holds.")
    in_stock: bool
    stores_in_stock: int | None = Field(
        default=None,
        description='With stores=true: pickup stores holding at least one unit ("in 3 stores").',
    )


class ListingAvailability(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "channel": "webshop",
                    "skus": [
                        {"sku": "TSHIRT-RED-M", "available": 14, "in_stock": True},
                        {"sku": "TSHIRT-RED-L", "available": 0, "in_stock": False},
                    ],
                    "unknown": ["NOT-A-SKU"],
                }
            ]
        }
    )

    channel: str
    skus: list[SkuAvailability]
    unknown: list[str] = Field(
        default_factory=list, description="Requested SKUs the channel does not sell."
    )


class CartRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"lines": [{"sku": "TSHIRT-RED-M", "quantity": 2}]}]}
    )

    lines: list[CartLine] = Field(min_length=1, max_length=100)


class CartLineAvailability(BaseModel):
    sku: str
    requested: int
    available: int
    ok: bool


class CartAvailability(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "channel": "webshop",
                    "available": False,
                    "lines": [
                        {"sku": "TSHIRT-RED-M", "requested": 2, "available": 14, "ok": True},
                        {"sku": "MUG-BLUE", "requested": 3, "available": 1, "ok": False},
                    ],
                }
            ]
        }
    )

    channel: str
    available: bool = Field(description="Every line can be served now.")
    lines: list[CartLineAvailability]


class Near(BaseModel):
    """Where the customer is: coordinates sort stores by distance; a postal code alone sorts
    by how many leading characters it shares with the store's."""

    country: str = Field(min_length=2, max_length=2, examples=["PT"])
    postal_code: str | None = Field(default=None, max_length=16, examples=["1100-053"])
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class PickupRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "lines": [{"sku": "TSHIRT-RED-M", "quantity": 1}],
                    "near": {"country": "PT", "postal_code": "1100-053"},
                    "limit": 3,
                }
            ]
        }
    )

    lines: list[CartLine] = Field(min_length=1, max_length=100)
    near: Near | None = None
    limit: int = Field(default=10, ge=1, le=100)
    only_available: bool = Field(
        default=True, description="Leave out stores that cannot hand over the whole cart."
    )


class StoreAvailability(BaseModel):
    store: str = Field(description="Warehouse code of the store.")
    available: bool = Field(description="The store can hand over every line now.")
    lines: list[CartLineAvailability]
    distance_km: float | None = None
    postal_code: str = ""


class PickupAvailability(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "channel": "webshop",
                    "stores_available": 3,
                    "stores": [
                        {
                            "store": "LIS1",
                            "available": True,
                            "distance_km": 1.8,
                            "postal_code": "1100-148",
                            "lines": [
                                {"sku": "TSHIRT-RED-M", "requested": 1, "available": 4, "ok": True}
                            ],
                        }
                    ],
                }
            ]
        }
    )

    channel: str
    stores_available: int = Field(description='For "available in 3 stores near you".')
    stores: list[StoreAvailability]


# ----------------------------------------------------------------- promise


class Destination(BaseModel):
    country: str = Field(min_length=2, max_length=2, examples=["PT"])
    postal_code: str = Field(min_length=1, max_length=16, examples=["1100-053"])
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class PromiseRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "lines": [{"sku": "TSHIRT-RED-M", "quantity": 2}],
                    "destination": {"country": "PT", "postal_code": "1100-053"},
                    "at": "2026-11-26T09:12:00Z",
                }
            ]
        }
    )

    lines: list[CartLine] = Field(min_length=1, max_length=100)
    destination: Destination
    at: datetime | None = Field(default=None, description="Order time; default now.")
    service_levels: list[Literal["standard", "express"]] = ["standard", "express"]


class UnfulfilledLine(BaseModel):
    sku: str
    quantity: int
    reason: str = Field(
        description="The engine's reason code (docs/engine.md), e.g. no stock that can ship."
    )


class ServicePromise(BaseModel):
    service_level: Literal["standard", "express"]
    status: Literal["complete", "partial", "unfulfilled"]
    delivery_date: date | None = Field(description="Earliest date every line arrives.")
    splits: bool = Field(description="The cart would arrive in more than one parcel.")
    shipments: int
    unfulfilled: list[UnfulfilledLine] = Field(default_factory=list)


class PromiseResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "channel": "webshop",
                    "at": "2026-11-26T09:12:00Z",
                    "network_version": "5f1c2a9e",
                    "promises": [
                        {
                            "service_level": "standard",
                            "status": "complete",
                            "delivery_date": "2026-11-28",
                            "splits": False,
                            "shipments": 1,
                            "unfulfilled": [],
                        }
                    ],
                }
            ]
        }
    )

    channel: str
    at: datetime
    network_version: str
    promises: list[ServicePromise]


# ----------------------------------------------------------------- reservations


class ReservationRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"lines": [{"sku": "TSHIRT-RED-M", "quantity": 2}], "ttl_seconds": 900},
                {"lines": [{"sku": "MUG-BLUE", "quantity": 1}], "pickup_store": "LIS1"},
            ]
        }
    )

    lines: list[CartLine] = Field(min_length=1, max_length=100)
    pickup_store: str | None = Field(
        default=None, max_length=64, description="Hold at this store (click & collect)."
    )
    ttl_seconds: float | None = Field(
        default=None, gt=0, le=MAX_REQUESTED_TTL_S,
        description="Hold duration; default and maximum are configured (longer asks get the "
        "maximum).",
    )  # fmt: skip


class ReservationLine(BaseModel):
    sku: str
    quantity: int
    store: str | None = None


class Reservation(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "reservation_id": "webshop.0f8b0c9e3a6d4c1b9a7e2d5f4c3b2a19",
                    "channel": "webshop",
                    "state": "active",
                    "expires_at": "2026-11-26T09:27:00Z",
                    "lines": [{"sku": "TSHIRT-RED-M", "quantity": 2, "store": None}],
                    "order_ref": None,
                }
            ]
        }
    )

    reservation_id: str = Field(
        description="Send it with the order (canonical order ``reservation_id``)."
    )
    channel: str
    state: Literal["active", "expired", "released", "converted", "settled"]
    expires_at: datetime
    lines: list[ReservationLine]
    order_ref: str | None = None


class ExtendRequest(BaseModel):
    ttl_seconds: float | None = Field(
        default=None, gt=0, le=MAX_REQUESTED_TTL_S,
        description="New time left from now; default and maximum configured.",
    )  # fmt: skip


class ChannelStatus(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "channel": "webshop", "ready": True, "generation": 42, "skus": 20000,
                    "rebuilt_at": "2026-11-26T09:10:00Z", "rebuilding": False,
                    "outbox_cursor": 918273, "settled_up_to": "2026-11-26T09:12:01Z",
                    "active_holds": 37, "converted_holds": 4,
                }
            ]
        }
    )  # fmt: skip

    channel: str
    ready: bool = Field(description="A projection exists (the first rebuild is done).")
    generation: int | None
    skus: int
    rebuilt_at: datetime | None
    rebuilding: bool
    outbox_cursor: int = Field(description="Highest Odoo outbox event applied.")
    settled_up_to: datetime | None = Field(
        description="Odoo's changes up to this moment are in every projection (watermark)."
    )
    active_holds: int = Field(description="Active holds of the stock pool (all channels).")
    converted_holds: int


class ConvertRequest(BaseModel):
    order_ref: str = Field(min_length=1, max_length=128, examples=["S00042"])
