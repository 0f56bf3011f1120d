# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one route into Odoo for the sync service (docs/contracts.md, "Into Odoo").

Both entry points take a batch and answer one result per item, in order. Each item
runs in its own savepoint: a bad order comes back as an error with a stable code and
the rest of the batch is committed. Every item is idempotent, keyed by
(channel, external id) for orders and by event id for carrier scans.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from odoo import Command, api, models
from odoo.exceptions import UserError, ValidationError
from psycopg2 import errors as pg_errors

from .oms_outbox_event import defer_stock_changes
from .stock_picking import TRACKING_EVENT_MEMORY, TRACKING_RANK

_logger = logging.getLogger(__name__)

SHIPPING_PRODUCT_PARAM = "oms_omnichannel.shipping_product_id"

# Errors Odoo's RPC layer retries as a whole: never turn them into a per-order error.
RETRIED_BY_ODOO = (
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    pg_errors.LockNotAvailable,
)


class IntakeError(Exception):
    """An order or event that cannot be applied, with the contract's error code."""

    def __init__(self, code, message, field=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def as_dict(self):
        return {"code": self.code, "message": self.message, "field": self.field}


@dataclass
class BatchCache:
    """Look-ups shared by the orders of one batch, filled with one query each."""

    channels: dict = field(default_factory=dict)
    orders: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)
    partners: dict = field(default_factory=dict)
    countries: dict = field(default_factory=dict)
    pricelists: dict = field(default_factory=dict)

    def snapshot(self):
        return dict(self.orders), dict(self.partners)

    def restore(self, snapshot):
        # Records created in a rolled-back savepoint no longer exist.
        self.orders, self.partners = dict(snapshot[0]), dict(snapshot[1])


class OmsIntake(models.AbstractModel):
    _name = "oms.intake"
    _description = "OMS Intake (orders and tracking from the sync service)"

    # ------------------------------------------------------------------
    # Orders
    # ------------------------------------------------------------------
    @api.model
    def ingest_orders(self, orders):
        """Create, confirm, update or cancel canonical orders; one result per order."""
        if not isinstance(orders, list):
            raise UserError(self.env._("ingest_orders takes a list of orders."))
        self.env["sale.order"].check_access("create")
        cache = self._prefetch(orders)
        with defer_stock_changes(self.env):
            return [self._ingest_one(payload, cache) for payload in orders]

    def _ingest_one(self, payload, cache):
        keys = payload if isinstance(payload, dict) else {}
        result = {
            "channel": keys.get("channel"),
            "external_id": _text(keys.get("external_id")),
            "status": "error",
            "order_id": None,
            "order_name": None,
            "error": None,
        }
        snapshot = cache.snapshot()
        try:
            with self.env.cr.savepoint():
                status, order = self._ingest_order(payload, cache)
        except RETRIED_BY_ODOO:
            raise
        except Exception as error:
            cache.restore(snapshot)
            result["error"] = self._error_of(error, result["external_id"]).as_dict()
            return result
        result.update(status=status, order_id=order.id, order_name=order.name)
        return result

    def _error_of(self, error, external_id):
        if isinstance(error, IntakeError):
            return error
        if isinstance(error, pg_errors.UniqueViolation):
            # The same order is being ingested by a concurrent call: nothing was kept
            # here; asking again answers "unchanged" once the other call committed.
            return IntakeError("conflict", "The order was being ingested concurrently; retry.")
        if isinstance(error, UserError | ValidationError):
            return IntakeError("rejected", str(error.args[0]))
        _logger.exception("Ingest of order %s failed", external_id)
        return IntakeError("internal_error", repr(error))

    def _ingest_order(self, payload, cache):
        data = self._parse_order(payload)
        channel = cache.channels.get(data["channel"])
        if not channel:
            raise IntakeError("unknown_channel", f"Unknown channel {data['channel']!r}.", "channel")
        order = cache.orders.get((channel.id, data["external_id"]))
        if order:
            return self._update_order(order, data)
        order = self._create_order(channel, data, cache)
        cache.orders[(channel.id, data["external_id"])] = order
        if data["status"] == "cancelled":
            # Cancelled before we ever saw it open: keep the record so an older "open"
            # redelivery is recognised as stale instead of creating the order.
            order.with_context(
                disable_cancel_warning=True, oms_cancel_reason=data["cancel_reason"]
            ).action_cancel()
            return "cancelled", order
        order.action_confirm()
        return "created", order

    def _update_order(self, order, data):
        stored = order._oms_external_version_int()
        version = data["external_version"]
        if version < stored:
            return "stale", order
        wants_cancel = data["status"] == "cancelled" and order.state != "cancel"
        if version == stored and not wants_cancel:
            return "unchanged", order
        if wants_cancel:
            self._cancel_order(order, data["cancel_reason"])
            order.oms_external_version = str(version)
            return "cancelled", order
        vals = {"oms_external_version": str(version)}
        vals.update(self._payment_vals(data))
        if data["reservation_id"]:
            vals["oms_reservation_id"] = data["reservation_id"]
        order.write(vals)
        if order.state == "cancel" or data["status"] == "cancelled":
            # A cancelled order is not reopened by a later "open" version.
            return "unchanged", order
        return "updated", order

    def _cancel_order(self, order, reason):
        if order.picking_ids.filtered(lambda p: p.state == "done"):
            raise IntakeError(
                "not_cancellable",
                f"Order {order.name} has shipped deliveries and cannot be cancelled.",
                "status",
            )
        if order.locked:
            order.action_unlock()
        order.with_context(disable_cancel_warning=True, oms_cancel_reason=reason).action_cancel()

    def _create_order(self, channel, data, cache):
        company = channel.company_id
        customer = self._find_or_create_customer(data["customer"], company, cache)
        shipping = invoicing = customer
        if data["shipping_address"]:
            shipping = self._find_or_create_address(
                customer, data["shipping_address"], "delivery", "shipping_address", cache
            )
        elif data["delivery_mode"] == "ship" and data["status"] == "open":
            raise IntakeError(
                "invalid_address", "A shipped order needs a shipping address.", "shipping_address"
            )
        if data["billing_address"]:
            invoicing = self._find_or_create_address(
                customer, data["billing_address"], "invoice", "billing_address", cache
            )
        else:
            invoicing = shipping
        vals = {
            "company_id": company.id,
            "partner_id": customer.id,
            "partner_invoice_id": invoicing.id,
            "partner_shipping_id": shipping.id,
            "oms_channel_id": channel.id,
            "oms_external_id": data["external_id"],
            "oms_external_version": str(data["external_version"]),
            "oms_external_name": data["name"],
            "client_order_ref": data["name"],
            "origin": f"{channel.code} {data['name'] or data['external_id']}",
            "oms_service_level": data["service_level"],
            "oms_delivery_mode": data["delivery_mode"],
            "oms_allow_split": data["allow_split"],
            "oms_reservation_id": data["reservation_id"],
            "oms_shipping_price": data["shipping_price"],
        }
        if data["placed_at"]:
            vals["date_order"] = data["placed_at"]
        if data["pickup_store"]:
            vals["oms_pickup_warehouse_id"] = self._pickup_warehouse(data, company).id
        pricelist = self._pricelist(data["currency"], company, cache)
        if pricelist:
            vals["pricelist_id"] = pricelist.id
        vals.update(self._payment_vals(data))
        if data["status"] == "open":
            vals["order_line"] = self._order_line_commands(data["lines"], cache)
            vals["order_line"] += self._shipping_line_commands(data["shipping_price"], company)
        vals = self._prepare_order_vals(vals, data)
        return (
            self.env["sale.order"]
            .with_company(company)
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(vals)
        )

    def _prepare_order_vals(self, vals, data):
        """Hook: adjust the sale order values built from a canonical order."""
        return vals

    def _order_line_commands(self, lines, cache):
        commands = []
        for index, line in enumerate(lines):
            product = cache.products.get(line["sku"])
            if not product:
                raise IntakeError(
                    "unknown_sku", f"No product with SKU {line['sku']!r}.", f"lines[{index}].sku"
                )
            commands.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": line["quantity"],
                        "price_unit": line["unit_price"],
                        "discount": line["discount_percent"],
                        "oms_external_line_id": line["external_id"],
                    }
                )
            )
        return commands

    def _shipping_line_commands(self, price, company):
        """The shipping the customer paid, as a delivery line, so the order totals match.

        Its product is the system parameter ``oms_omnichannel.shipping_product_id``, else the
        product of the company's first routable carrier; without either the amount is only
        kept on the order (``oms_shipping_price``).
        """
        if not price:
            return []
        product = self._shipping_product(company)
        if not product:
            return []
        return [
            Command.create(
                {
                    "product_id": product.id,
                    "product_uom_qty": 1,
                    "price_unit": price,
                    "is_delivery": True,
                }
            )
        ]

    def _shipping_product(self, company):
        param = self.env["ir.config_parameter"].sudo().get_param(SHIPPING_PRODUCT_PARAM)
        if param and param.isdigit():
            product = self.env["product.product"].browse(int(param)).exists()
            if product:
                return product
        carrier = self.env["delivery.carrier"].search(
            [("oms_routing_enabled", "=", True), ("company_id", "in", (False, company.id))],
            order="sequence, id",
            limit=1,
        )
        return carrier.product_id

    def _payment_vals(self, data):
        payment = data["payment"]
        if not payment:
            return {}
        return {
            "oms_payment_status": payment["status"],
            "oms_payment_method": payment["method"],
            "oms_payment_reference": payment["reference"],
            "oms_payment_amount": payment["amount"],
        }

    def _pickup_warehouse(self, data, company):
        warehouse = self.env["stock.warehouse"].search(
            [("code", "=", data["pickup_store"]), ("company_id", "=", company.id)], limit=1
        )
        if not warehouse:
            raise IntakeError(
                "invalid_payload", f"Unknown pickup store {data['pickup_store']!r}.", "pickup_store"
            )
        return warehouse

    def _pricelist(self, currency_code, company, cache):
        if not currency_code or currency_code == company.currency_id.name:
            return None
        key = (currency_code, company.id)
        if key not in cache.pricelists:
            cache.pricelists[key] = self.env["product.pricelist"].search(
                [
                    ("currency_id.name", "=", currency_code),
                    ("company_id", "in", (False, company.id)),
                ],
                limit=1,
            )
        if not cache.pricelists[key]:
            raise IntakeError(
                "invalid_payload", f"No pricelist in currency {currency_code}.", "currency"
            )
        return cache.pricelists[key]

    # ------------------------------------------------------------------
    # Customers and addresses
    # ------------------------------------------------------------------
    def _find_or_create_customer(self, customer, company, cache):
        email = customer["email"]
        key = (company.id, (email or "").lower() or customer["name"])
        if key in cache.partners:
            return cache.partners[key]
        Partner = self.env["res.partner"].with_context(mail_create_nolog=True)
        partner = Partner.browse()
        if email:
            partner = Partner.search(
                [
                    ("email", "=ilike", email),
                    ("parent_id", "=", False),
                    ("company_id", "in", (False, company.id)),
                ],
                order="id",
                limit=1,
            )
        if not partner:
            partner = Partner.create(
                {
                    "name": customer["name"] or email,
                    "email": email,
                    "phone": customer["phone"],
                    "customer_rank": 1,
                }
            )
        cache.partners[key] = partner
        return partner

    def _find_or_create_address(self, customer, address, kind, field_name, cache):
        country = self._country(address["country_code"], field_name, cache)
        if not address["street"] or not (address["city"] or address["zip"]):
            raise IntakeError(
                "invalid_address",
                "An address needs a street and a city or postal code.",
                f"{field_name}.street",
            )
        vals = {
            "name": address["name"] or customer.name,
            "street": address["street"],
            "street2": address["street2"] or False,
            "city": address["city"] or False,
            "zip": address["zip"] or False,
            "country_id": country.id,
            "state_id": self._state(country, address["state_code"]).id,
        }
        domain = [("parent_id", "=", customer.id), ("type", "=", kind)]
        domain += [(name, "=", value) for name, value in vals.items()]
        existing = self.env["res.partner"].search(domain, limit=1)
        if existing:
            return existing
        vals.update(parent_id=customer.id, type=kind, phone=address["phone"] or False)
        return self.env["res.partner"].with_context(mail_create_nolog=True).create(vals)

    def _country(self, code, field_name, cache):
        code = (code or "").upper()
        if code not in cache.countries:
            cache.countries[code] = code and self.env["res.country"].search(
                [("code", "=", code)], limit=1
            )
        if not cache.countries[code]:
            raise IntakeError(
                "invalid_address", f"Unknown country code {code!r}.", f"{field_name}.country_code"
            )
        return cache.countries[code]

    def _state(self, country, code):
        if not code:
            return self.env["res.country.state"]
        # Shops send state codes Odoo may not know: an unknown one is left empty.
        return self.env["res.country.state"].search(
            [("country_id", "=", country.id), ("code", "=ilike", code)], limit=1
        )

    # ------------------------------------------------------------------
    # Batch prefetch
    # ------------------------------------------------------------------
    def _prefetch(self, orders):
        cache = BatchCache()
        dicts = [o for o in orders if isinstance(o, dict)]
        codes = {o.get("channel") for o in dicts if isinstance(o.get("channel"), str)}
        for channel in self.env["oms.channel"].search([("code", "in", list(codes))]):
            cache.channels.setdefault(channel.code, channel)
        external_ids = {_text(o.get("external_id")) for o in dicts} - {None}
        if cache.channels and external_ids:
            existing = self.env["sale.order"].search(
                [
                    ("oms_channel_id", "in", [c.id for c in cache.channels.values()]),
                    ("oms_external_id", "in", list(external_ids)),
                ]
            )
            for order in existing:
                cache.orders[(order.oms_channel_id.id, order.oms_external_id)] = order
        skus = {
            line.get("sku")
            for o in dicts
            for line in (o.get("lines") or [])
            if isinstance(line, dict) and isinstance(line.get("sku"), str)
        }
        if skus:
            products = self.env["product.product"].search(
                [("default_code", "in", list(skus))], order="id"
            )
            for product in products:
                cache.products.setdefault(product.default_code, product)
        return cache

    # ------------------------------------------------------------------
    # Payload parsing: everything the shop sent, checked, in Python types
    # ------------------------------------------------------------------
    def _parse_order(self, payload):
        if not isinstance(payload, dict):
            raise IntakeError("invalid_payload", "An order must be an object.")
        status = payload.get("status", "open")
        if status not in ("open", "cancelled"):
            raise IntakeError("invalid_payload", f"Unknown status {status!r}.", "status")
        external_id = _text(payload.get("external_id"))
        if not external_id:
            raise IntakeError("invalid_payload", "external_id is required.", "external_id")
        if not isinstance(payload.get("channel"), str):
            raise IntakeError("invalid_payload", "channel is required.", "channel")
        customer = payload.get("customer") or {}
        if not isinstance(customer, dict):
            raise IntakeError("invalid_payload", "customer must be an object.", "customer")
        lines = payload.get("lines") or []
        if status == "open" and (not isinstance(lines, list) or not lines):
            raise IntakeError("invalid_payload", "An open order needs lines.", "lines")
        delivery_mode = payload.get("delivery_mode") or "ship"
        if delivery_mode not in ("ship", "pickup"):
            raise IntakeError("invalid_payload", "Unknown delivery_mode.", "delivery_mode")
        service_level = payload.get("service_level") or "standard"
        if service_level not in ("standard", "express"):
            raise IntakeError("invalid_payload", "Unknown service_level.", "service_level")
        return {
            "channel": payload["channel"],
            "external_id": external_id,
            "external_version": _integer(payload.get("external_version", 0), "external_version"),
            "status": status,
            "cancel_reason": _text(payload.get("cancel_reason")) or "cancelled by the channel",
            "name": _text(payload.get("name")),
            "placed_at": _datetime(payload.get("placed_at"), "placed_at"),
            "currency": _text(payload.get("currency")),
            "customer": {
                "email": _text(customer.get("email")),
                "name": _text(customer.get("name")),
                "phone": _text(customer.get("phone")),
            },
            "shipping_address": _address(payload.get("shipping_address"), "shipping_address"),
            "billing_address": _address(payload.get("billing_address"), "billing_address"),
            "lines": [_line(line, index) for index, line in enumerate(lines)],
            "service_level": service_level,
            "delivery_mode": delivery_mode,
            "pickup_store": _text(payload.get("pickup_store")),
            "allow_split": bool(payload.get("allow_split", True)),
            "shipping_price": _decimal(payload.get("shipping_price"), "shipping_price"),
            "payment": _payment(payload.get("payment")),
            "reservation_id": _text(payload.get("reservation_id")),
        }

    # ------------------------------------------------------------------
    # Carrier tracking
    # ------------------------------------------------------------------
    @api.model
    def apply_tracking(self, events):
        """Apply normalised carrier scans to deliveries; one result per event."""
        if not isinstance(events, list):
            raise UserError(self.env._("apply_tracking takes a list of events."))
        self.env["stock.picking"].check_access("write")
        numbers = {_text(e.get("tracking_number")) for e in events if isinstance(e, dict)} - {None}
        pickings = self.env["stock.picking"].search(
            [("carrier_tracking_ref", "in", list(numbers))], order="id"
        )
        by_number = {}
        for picking in pickings:
            by_number.setdefault(picking.carrier_tracking_ref, picking)
        results = []
        for event in events:
            keys = event if isinstance(event, dict) else {}
            result = {
                "event_id": _text(keys.get("event_id")),
                "tracking_number": _text(keys.get("tracking_number")),
                "status": "error",
                "picking_id": None,
                "picking_name": None,
                "error": None,
            }
            try:
                with self.env.cr.savepoint():
                    status, picking = self._apply_tracking_event(event, by_number)
            except IntakeError as error:
                result["error"] = error.as_dict()
            else:
                result.update(status=status, picking_id=picking.id, picking_name=picking.name)
            results.append(result)
        return results

    def _apply_tracking_event(self, event, by_number):
        if not isinstance(event, dict):
            raise IntakeError("invalid_payload", "A tracking event must be an object.")
        number = _text(event.get("tracking_number"))
        event_id = _text(event.get("event_id"))
        status = event.get("status")
        if not number or not event_id:
            raise IntakeError("invalid_payload", "tracking_number and event_id are required.")
        if status not in TRACKING_RANK:
            raise IntakeError("invalid_payload", f"Unknown status {status!r}.", "status")
        picking = by_number.get(number)
        if not picking:
            raise IntakeError(
                "unknown_tracking",
                f"No delivery with tracking number {number}.",
                "tracking_number",
            )
        seen = list(picking.oms_tracking_event_ids or [])
        if event_id in seen:
            return "unchanged", picking
        seen = [*seen, event_id][-TRACKING_EVENT_MEMORY:]
        current = picking.oms_tracking_status
        if status == "unknown" and current:
            # A scan the carrier could not classify never moves the parcel.
            picking.oms_tracking_event_ids = seen
            return "unchanged", picking
        if current and TRACKING_RANK[status] < TRACKING_RANK[current]:
            picking.oms_tracking_event_ids = seen
            return "stale", picking
        picking.write(
            {
                "oms_tracking_status": status,
                "oms_tracking_date": _datetime(event.get("occurred_at"), "occurred_at"),
                "oms_tracking_location": _text(event.get("location")),
                "oms_tracking_message": _text(event.get("message")),
                "oms_tracking_event_ids": seen,
            }
        )
        return "updated", picking


# ----------------------------------------------------------------------
# Small parsers; each raises IntakeError("invalid_payload") naming the field
# ----------------------------------------------------------------------
def _text(value):
    if value is None or value is False:
        return None
    return str(value).strip() or None


def _integer(value, name):
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        raise IntakeError("invalid_payload", f"{name} must be an integer.", name) from None


def _decimal(value, name, default="0"):
    if value is None or value == "":
        value = default
    if isinstance(value, float):
        # Money travels as strings; tolerate a float without its binary noise.
        value = repr(value)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise IntakeError("invalid_payload", f"{name} must be a decimal string.", name) from None
    if not number.is_finite():
        raise IntakeError("invalid_payload", f"{name} must be a finite number.", name)
    return float(number)


def _datetime(value, name):
    """ISO 8601 -> naive UTC datetime, as Odoo stores them."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise IntakeError("invalid_payload", f"{name} must be an ISO 8601 date.", name) from None
    if moment.tzinfo:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def _address(value, name):
    if not value:
        return None
    if not isinstance(value, dict):
        raise IntakeError("invalid_address", f"{name} must be an object.", name)
    return {
        key: _text(value.get(key))
        for key in (
            "name",
            "street",
            "street2",
            "city",
            "zip",
            "country_code",
            "state_code",
            "phone",
        )
    }


def _line(value, index):
    prefix = f"lines[{index}]"
    if not isinstance(value, dict):
        raise IntakeError("invalid_payload", "A line must be an object.", prefix)
    sku = _text(value.get("sku"))
    if not sku:
        raise IntakeError("invalid_payload", "A line needs a sku.", f"{prefix}.sku")
    quantity = _decimal(value.get("quantity"), f"{prefix}.quantity")
    if quantity <= 0:
        raise IntakeError(
            "invalid_payload", "A line quantity must be positive.", f"{prefix}.quantity"
        )
    return {
        "external_id": _text(value.get("external_id")),
        "sku": sku,
        "quantity": quantity,
        "unit_price": _decimal(value.get("unit_price"), f"{prefix}.unit_price"),
        "discount_percent": _decimal(value.get("discount_percent"), f"{prefix}.discount_percent"),
    }


def _payment(value):
    if not value:
        return None
    if not isinstance(value, dict):
        raise IntakeError("invalid_payload", "payment must be an object.", "payment")
    status = value.get("status") or "pending"
    if status not in ("pending", "authorized", "paid"):
        raise IntakeError(
            "invalid_payload", f"Unknown payment status {status!r}.", "payment.status"
        )
    return {
        "status": status,
        "method": _text(value.get("method")),
        "reference": _text(value.get("reference")),
        "amount": _decimal(value.get("amount"), "payment.amount"),
    }
