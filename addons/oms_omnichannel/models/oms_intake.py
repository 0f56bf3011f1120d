# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one route into Odoo for the sync service (docs/contracts.md, "Into Odoo").

Both entry points take a batch and answer one result per item, in order: a bad order comes
back as an error with a stable code and the rest of the batch is committed. Orders are first
tried as one piece (one savepoint, bulk creates, one confirmation); when an order fails after
something was written, the batch is taken again one savepoint per order. Carrier scans run one
savepoint each. Every item is idempotent, keyed by (channel, external id) for orders and by
event id for carrier scans.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from odoo import Command, api, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from psycopg2 import errors as pg_errors

from .oms_outbox_event import defer_stock_changes
from .stock_picking import TRACKING_CODES, TRACKING_EVENT_MEMORY, scan_moves_parcel

_logger = logging.getLogger(__name__)

SHIPPING_PRODUCT_PARAM = "oms_omnichannel.shipping_product_id"

# Errors Odoo's RPC layer retries as a whole: never turn them into a per-order error.
RETRIED_BY_ODOO = (
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    pg_errors.LockNotAvailable,
)


class IntakeError(Exception):
    """An order or event that cannot be applied, with the contract's error code; ``extra``
    are more keys of the error the door's contract names (e.g. a refusal's ``reason``)."""

    def __init__(self, code, message, field=None, **extra):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.extra = extra

    def as_dict(self):
        return {"code": self.code, "message": self.message, "field": self.field, **self.extra}


@dataclass
class BatchCache:
    """Look-ups shared by the orders of one batch, filled with one query each."""

    channels: dict = field(default_factory=dict)
    orders: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)
    partners: dict = field(default_factory=dict)
    # (company id, e-mail) keys the prefetch searched and found no customer for
    unknown_customers: set = field(default_factory=set)
    # customers created by this batch (no contacts to search) and customers searched
    fresh_customer_ids: set = field(default_factory=set)
    searched_customer_ids: set = field(default_factory=set)
    addresses: dict = field(default_factory=dict)
    countries: dict = field(default_factory=dict)
    states: dict = field(default_factory=dict)
    pricelists: dict = field(default_factory=dict)
    shipping_products: dict = field(default_factory=dict)

    def snapshot(self):
        return (dict(self.orders), dict(self.partners), dict(self.addresses),
                set(self.searched_customer_ids))  # fmt: skip

    def restore(self, snapshot):
        # Records created in a rolled-back savepoint no longer exist, and contacts found
        # then were dropped with them: their customers must be searched again.
        orders, partners, addresses, searched = snapshot
        self.orders, self.partners, self.addresses = dict(orders), dict(partners), dict(addresses)
        self.searched_customer_ids = set(searched)


class OneByOne(Exception):
    """The batch cannot be ingested in one piece; its orders are taken one by one."""


# Context of the records the intake creates: no chatter work at creation, as Odoo's own
# imports do (the creation message, followers, tracking of initial values are worth nothing
# for an order a machine wrote; the confirmation is still tracked in the chatter).
CREATE_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}
ADDRESS_FIELDS = ("name", "street", "street2", "city", "zip", "country_id", "state_id")


class OmsIntake(models.AbstractModel):
    _name = "oms.intake"
    _description = "OMS Intake (orders and tracking from the sync service)"

    # ------------------------------------------------------------------
    # Orders
    # ------------------------------------------------------------------
    @api.model
    def ingest_orders(self, orders):
        """Create, confirm, update or cancel canonical orders; one result per order.

        The batch is first tried in one piece: one savepoint, customers, addresses and
        orders created in one call each, the new orders confirmed in one call. Should any
        order fail after it wrote something, that attempt is rolled back and the orders are
        taken one by one, each in its own savepoint, so the others are kept.
        """
        return self._as_sync_service("ingest_orders")._ingest_orders(orders)

    def _ingest_orders(self, orders):
        if not isinstance(orders, list):
            raise UserError(self.env._("ingest_orders takes a list of orders."))
        cache = self._prefetch(orders)
        with defer_stock_changes(self.env):
            results = self._ingest_together(orders, cache) if len(orders) > 1 else None
            if results is None:
                results = [self._ingest_one(payload, cache) for payload in orders]
            return results

    @api.model
    def _as_sync_service(self, door):
        """The intake as the sync service's doors run it: only for the integration group,
        then in sudo within the caller's companies. The caller needs no right on orders,
        deliveries or contacts (docs/odoo.md, "Who sees what"); every search below that
        could cross a company says which companies it may find."""
        self.env["res.users"]._oms_check_door(door)
        return self.sudo().with_context(allowed_company_ids=self.env.companies.ids)

    def _ingest_together(self, payloads, cache):
        snapshot = cache.snapshot()
        try:
            with self.env.cr.savepoint():
                return self._ingest_batch(payloads, cache)
        except RETRIED_BY_ODOO:
            raise
        except Exception as error:  # every order is tried again, on its own
            _logger.info("Batch of %s orders taken one by one: %r", len(payloads), error)
            cache.restore(snapshot)
            return None

    def _ingest_batch(self, payloads, cache):
        """One result per payload; raises when an order fails after anything was written."""
        results = [self._new_result(payload) for payload in payloads]
        plans, seen = [], set()
        for index, payload in enumerate(payloads):
            try:
                data = self._parse_order(payload)
                channel = self._channel(data, cache)
            except IntakeError as error:
                results[index]["error"] = error.as_dict()
                continue
            key = (channel.id, data["external_id"])
            if key in seen:
                raise OneByOne(f"order {data['external_id']} twice in the batch")
            seen.add(key)
            order = cache.orders.get(key)
            if order:
                status, order = self._update_order(order, data)
                results[index].update(status=status, order_id=order.id, order_name=order.name)
                continue
            try:
                plan = self._plan_new_order(channel, data, cache)
            except IntakeError as error:  # checked before anything is written
                results[index]["error"] = error.as_dict()
                continue
            plan["index"] = index
            plans.append(plan)
        self._lock_stock_of(plans, cache)
        for plan, order in zip(plans, self._create_orders(plans, cache), strict=True):
            status = self._open_or_cancel(order, plan["data"])
            results[plan["index"]].update(status=status, order_id=order.id, order_name=order.name)
        return results

    def _lock_stock_of(self, plans, cache):
        """Take the stock locks of every product the batch will route, in product id order,
        before its customers and orders are created. Routing locks each order's products in
        turn; for a batch that would take them order by order, so two concurrent batches
        could wait on each other in a cycle, and a conflict with a concurrent batch would only
        show after all the work (Odoo then retries the whole call). Taken first, a conflict
        fails fast."""
        skus = {
            line["sku"]
            for plan in plans
            if plan["data"]["status"] == "open"
            for line in plan["data"]["lines"]
        }
        products = self.env["product.product"].concat(*(cache.products[sku] for sku in skus))
        self.env["oms.sellable.stock"]._lock_products(products)

    @staticmethod
    def _new_result(payload):
        keys = payload if isinstance(payload, dict) else {}
        return {
            "channel": keys.get("channel"),
            "external_id": _text(keys.get("external_id")),
            "status": "error",
            "order_id": None,
            "order_name": None,
            "error": None,
        }

    def _ingest_one(self, payload, cache):
        result = self._new_result(payload)
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

    def _apply_each(self, door, payloads, echo, fields, apply_one):
        """The skeleton every batch door of events shares (refunds, returns, labels,
        payments): one result per payload, in order, each payload in its own savepoint, so
        one bad payload never loses the others.

        ``echo``: the payload's keys each result repeats (as text), so the caller matches
        results to what it sent; the first one names the payload in the log. ``fields``: the
        result's other keys (records' ids and names), ``None`` until applied. ``apply_one``
        takes a payload and returns ``status`` and those fields. A serialization failure or a
        deadlock goes up: Odoo retries the whole call. Any other error becomes the result's
        ``error`` (``_error_of``).
        """
        if not isinstance(payloads, list):
            raise UserError(self.env._("%(door)s takes a list.", door=door))
        results = []
        for payload in payloads:
            keys = payload if isinstance(payload, dict) else {}
            result = {key: _text(keys.get(key)) for key in echo}
            result.update(dict.fromkeys(fields), status="error", error=None)
            try:
                with self.env.cr.savepoint():
                    result.update(apply_one(payload))
            except RETRIED_BY_ODOO:
                raise
            except Exception as error:
                result["error"] = self._error_of(error, result[echo[0]]).as_dict()
            results.append(result)
        return results

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

    def _channel(self, data, cache):
        channel = cache.channels.get(data["channel"])
        if not channel:
            raise IntakeError("unknown_channel", f"Unknown channel {data['channel']!r}.", "channel")
        return channel

    def _ingest_order(self, payload, cache):
        data = self._parse_order(payload)
        channel = self._channel(data, cache)
        order = cache.orders.get((channel.id, data["external_id"]))
        if order:
            return self._update_order(order, data)
        order = self._create_order(channel, data, cache)
        return self._open_or_cancel(order, data), order

    def _open_or_cancel(self, order, data):
        """Confirm a new open order (routing applies), or cancel one the shop sent cancelled:
        it is kept so an older "open" redelivery is recognised as stale instead of creating
        the order. Orders created together are confirmed together (``_create_orders``)."""
        if data["status"] == "cancelled":
            order.with_context(
                disable_cancel_warning=True, oms_cancel_reason=data["cancel_reason"]
            ).action_cancel()
            return "cancelled"
        if order.state != "sale":
            order.action_confirm()
        return "created"

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

    # ------------------------------------------------------------------
    # New orders: planned (every check, nothing written), then created in bulk
    # ------------------------------------------------------------------
    def _create_order(self, channel, data, cache):
        [order] = self._create_orders([self._plan_new_order(channel, data, cache)], cache)
        return order

    def _plan_new_order(self, channel, data, cache):
        """Everything a new order needs that can be refused, checked before any write: the
        order's values without its partners, and the addresses to find or create."""
        company = channel.company_id
        shipping = billing = None
        if data["shipping_address"]:
            shipping = self._address_vals(data["shipping_address"], "shipping_address", cache)
        elif data["delivery_mode"] == "ship" and data["status"] == "open":
            raise IntakeError(
                "invalid_address", "A shipped order needs a shipping address.", "shipping_address"
            )
        if data["billing_address"]:
            billing = self._address_vals(data["billing_address"], "billing_address", cache)
        vals = {
            "company_id": company.id,
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
            vals["order_line"] += self._shipping_line_commands(
                data["shipping_price"], company, cache
            )
        return {
            "channel": channel,
            "company": company,
            "data": data,
            "vals": vals,
            "shipping": shipping,
            "billing": billing,
        }

    def _create_orders(self, plans, cache):
        """The planned orders, created with one call per company after their customers and
        addresses (each created in one call too), the open ones confirmed in one call."""
        if not plans:
            return []
        customers = self._customers_of(plans, cache)
        addresses = self._addresses_of(plans, customers, cache)
        orders = [None] * len(plans)
        by_company = {}
        for position, plan in enumerate(plans):
            customer = customers[position]
            shipping = addresses.get((position, "delivery"), customer)
            invoicing = addresses.get((position, "invoice"), shipping)
            vals = dict(
                plan["vals"],
                partner_id=customer.id,
                partner_shipping_id=shipping.id,
                partner_invoice_id=invoicing.id,
            )
            vals = self._prepare_order_vals(vals, plan["data"])
            by_company.setdefault(plan["company"], []).append((position, vals))
        SaleOrder = self.env["sale.order"].with_context(**CREATE_CONTEXT)
        for company, items in by_company.items():
            created = SaleOrder.with_company(company).create([vals for _pos, vals in items])
            for (position, _vals), order in zip(items, created, strict=True):
                orders[position] = order.with_env(self.env)
        for plan, order in zip(plans, orders, strict=True):
            cache.orders[(plan["channel"].id, plan["data"]["external_id"])] = order
        to_confirm = self.env["sale.order"].concat(
            *(o for o, p in zip(orders, plans, strict=True) if p["data"]["status"] == "open")
        )
        if to_confirm:
            to_confirm.action_confirm()
        return orders

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

    def _shipping_line_commands(self, price, company, cache=None):
        """The shipping the customer paid, as a delivery line, so the order totals match.

        Its product is the system parameter ``oms_omnichannel.shipping_product_id``, else the
        product of the company's first routable carrier; without either the amount is only
        kept on the order (``oms_shipping_price``).
        """
        if not price:
            return []
        if cache is None:
            product = self._shipping_product(company)
        else:
            if company.id not in cache.shipping_products:
                cache.shipping_products[company.id] = self._shipping_product(company)
            product = cache.shipping_products[company.id]
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
    @staticmethod
    def _customer_key(customer, company):
        return (company.id, (customer["email"] or "").lower() or customer["name"])

    def _customers_of(self, plans, cache):
        """The customer of each plan: known (prefetched, or created earlier in the batch),
        found by e-mail, or created - the missing ones in one call."""
        Partner = self.env["res.partner"].with_context(**CREATE_CONTEXT)
        missing = {}
        for plan in plans:
            customer, company = plan["data"]["customer"], plan["company"]
            key = self._customer_key(customer, company)
            if key in cache.partners or key in missing:
                continue
            email = customer["email"]
            if email and key not in cache.unknown_customers:
                partner = Partner.search(
                    [
                        ("email", "=ilike", email),
                        ("parent_id", "=", False),
                        ("company_id", "in", (False, company.id)),
                    ],
                    order="id",
                    limit=1,
                )
                if partner:
                    cache.partners[key] = partner.with_env(self.env)
                    continue
            missing[key] = {
                "name": customer["name"] or email,
                "email": email,
                "phone": customer["phone"],
                "customer_rank": 1,
            }
        if missing:
            created = Partner.create(list(missing.values()))
            cache.fresh_customer_ids.update(created.ids)
            for key, partner in zip(missing, created, strict=True):
                cache.partners[key] = partner.with_env(self.env)
        return [
            cache.partners[self._customer_key(plan["data"]["customer"], plan["company"])]
            for plan in plans
        ]

    def _address_vals(self, address, field_name, cache):
        """The contact values of an address, checked (country known, street and city or
        postal code present); the name falls back to the customer's when it is known."""
        country = self._country(address["country_code"], field_name, cache)
        if not address["street"] or not (address["city"] or address["zip"]):
            raise IntakeError(
                "invalid_address",
                "An address needs a street and a city or postal code.",
                f"{field_name}.street",
            )
        return {
            "name": address["name"],
            "street": address["street"],
            "street2": address["street2"] or False,
            "city": address["city"] or False,
            "zip": address["zip"] or False,
            "country_id": country.id,
            "state_id": self._state(country, address["state_code"], cache).id,
            "phone": address["phone"] or False,
        }

    def _addresses_of(self, plans, customers, cache):
        """{(plan position, "delivery"|"invoice"): contact}: an existing child contact of
        the customer with the same address, else one created - all in one call. Customers
        created in this batch have no contacts yet: only the others are searched, at once."""
        wanted = {}  # address key -> [(position, kind)]
        for position, plan in enumerate(plans):
            customer = customers[position]
            for kind, vals in (("delivery", plan["shipping"]), ("invoice", plan["billing"])):
                if vals is None:
                    continue
                vals = dict(vals, name=vals["name"] or customer.name)
                key = (customer.id, kind, tuple(vals[f] for f in ADDRESS_FIELDS))
                wanted.setdefault(key, {"vals": vals, "uses": []})["uses"].append((position, kind))
        todo = [key for key in wanted if key not in cache.addresses]
        parents = {key[0] for key in todo} - cache.fresh_customer_ids - cache.searched_customer_ids
        if parents:
            cache.searched_customer_ids.update(parents)
            children = self.env["res.partner"].search(
                [("parent_id", "in", list(parents)), ("type", "in", ["delivery", "invoice"])],
                order="id",
            )
            for child in children:
                key = (child.parent_id.id, child.type, self._address_key(child))
                cache.addresses.setdefault(key, child)
        create = [key for key in todo if key not in cache.addresses]
        if create:
            Partner = self.env["res.partner"].with_context(**CREATE_CONTEXT)
            created = Partner.create(
                [dict(wanted[key]["vals"], parent_id=key[0], type=key[1]) for key in create]
            )
            for key, partner in zip(create, created, strict=True):
                cache.addresses[key] = partner.with_env(self.env)
        return {use: cache.addresses[key] for key, spec in wanted.items() for use in spec["uses"]}

    @staticmethod
    def _address_key(partner):
        return (
            partner.name,
            partner.street,
            partner.street2 or False,
            partner.city or False,
            partner.zip or False,
            partner.country_id.id,
            partner.state_id.id,
        )

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

    def _state(self, country, code, cache=None):
        if not code:
            return self.env["res.country.state"]
        key = (country.id, code.lower())
        if cache is not None and key in cache.states:
            return cache.states[key]
        # Shops send state codes Odoo may not know: an unknown one is left empty.
        state = self.env["res.country.state"].search(
            [("country_id", "=", country.id), ("code", "=ilike", code)], limit=1
        )
        if cache is not None:
            cache.states[key] = state
        return state

    # ------------------------------------------------------------------
    # Batch prefetch
    # ------------------------------------------------------------------
    def _prefetch(self, orders):
        cache = BatchCache()
        dicts = [o for o in orders if isinstance(o, dict)]
        codes = {o.get("channel") for o in dicts if isinstance(o.get("channel"), str)}
        channels = self.env["oms.channel"].search(
            [("code", "in", list(codes)), ("company_id", "in", self.env.companies.ids)]
        )
        for channel in channels:
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
                [
                    ("default_code", "in", list(skus)),
                    ("company_id", "in", [False, *self.env.companies.ids]),
                ],
                order="id",
            )
            for product in products:
                cache.products.setdefault(product.default_code, product)
        self._prefetch_customers(dicts, cache)
        return cache

    def _prefetch_customers(self, dicts, cache):
        """Customers of the batch's new orders by e-mail, in one query: the oldest contact
        without parent of that e-mail, shared or of the channel's company."""
        companies = {channel.company_id for channel in cache.channels.values()}
        emails = {
            email.lower()
            for o in dicts
            if isinstance(o.get("customer"), dict) and (email := _text(o["customer"].get("email")))
        }
        if not emails or not companies:
            return
        domain = [
            ("parent_id", "=", False),
            ("company_id", "in", [False, *(c.id for c in companies)]),
            *expression.OR([[("email", "=ilike", email)] for email in sorted(emails)]),
        ]
        found = self.env["res.partner"].search(domain, order="id")
        for company in companies:
            for email in emails:
                key = (company.id, email)
                partner = next(
                    (
                        p
                        for p in found
                        if (p.email or "").lower() == email
                        and p.company_id.id in (False, company.id)
                    ),
                    None,
                )
                if partner is None:
                    cache.unknown_customers.add(key)
                else:
                    cache.partners[key] = partner

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
        return self._as_sync_service("apply_tracking")._apply_tracking(events)

    def _apply_tracking(self, events):
        if not isinstance(events, list):
            raise UserError(self.env._("apply_tracking takes a list of events."))
        numbers = {_text(e.get("tracking_number")) for e in events if isinstance(e, dict)} - {None}
        pickings = self.env["stock.picking"].search(
            [
                ("carrier_tracking_ref", "in", list(numbers)),
                ("company_id", "in", self.env.companies.ids),
            ],
            order="id",
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
        if status not in TRACKING_CODES:
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
        occurred_at = _datetime(event.get("occurred_at"), "occurred_at")
        if current and not scan_moves_parcel(
            current, status, picking.oms_tracking_date or None, occurred_at
        ):
            picking.oms_tracking_event_ids = seen
            return "stale", picking
        picking.write(
            {
                "oms_tracking_status": status,
                "oms_tracking_date": occurred_at,
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
