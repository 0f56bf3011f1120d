# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the access tests share (no test of its own).

A retailer with two stores in a company of its own, one confirmed order shipping from each
store, a sales channel, and one person of every kind. Every check calls Odoo the way that
person's client would: JSON-RPC over a real HTTP session (``/web/dataset/call_kw``, as the web
client does) or ``/jsonrpc`` ``execute_kw`` with an API key (as the sync service does).
"""

import json

from odoo import Command
from odoo.tests import HttpCase, new_test_user

ACCESS_ERROR = "odoo.exceptions.AccessError"
USER_ERROR = "odoo.exceptions.UserError"


class RpcError(Exception):
    """The error a JSON-RPC call answered with: Odoo's exception class and message."""

    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


class OmsAccessCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.germany = cls.env.ref("base.de")
        # Routing off: which store ships an order is set here, not decided by the router.
        cls.company = cls.env["res.company"].create(
            {"name": "OMS Access Retail", "country_id": cls.germany.id}
        )
        cls.company.oms_routing_active = False
        cls.env.user.write({"company_ids": [Command.link(cls.company.id)]})
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))
        cls.store_a = cls._create_store("Access Store A", "ASA", "10117")
        cls.store_b = cls._create_store("Access Store B", "ASB", "50667")
        cls.mug = cls.env["product.product"].create(
            {
                "name": "Access Mug",
                "default_code": "ACCESS-MUG",
                "type": "consu",
                "is_storable": True,
                "list_price": 9.0,
            }
        )
        for store in cls.store_a | cls.store_b:
            cls.env["stock.quant"]._update_available_quantity(cls.mug, store.lot_stock_id, 10)
        cls.order_a = cls._create_store_order(cls.store_a, "Access Customer A")
        cls.order_b = cls._create_store_order(cls.store_b, "Access Customer B")
        cls.channel = cls.env["oms.channel"].create(
            {
                "name": "Access web shop",
                "code": "access-web",
                "company_id": cls.company.id,
                "warehouse_ids": [Command.set((cls.store_a | cls.store_b).ids)],
            }
        )

        cls.staff_a = cls._create_user(
            "oms_access_staff_a", "oms_omnichannel.group_oms_store_staff", cls.store_a
        )
        cls.service = cls._create_user(
            "oms_access_service", "oms_omnichannel.group_oms_customer_service"
        )
        cls.manager = cls._create_user("oms_access_manager", "oms_omnichannel.group_oms_manager")
        cls.employee = cls._create_user("oms_access_employee", "base.group_user")
        cls.sync = cls._create_user("oms_access_sync", "oms_omnichannel.group_oms_integration")
        cls.portal = cls._create_user("oms_access_portal", "base.group_portal")

    # ------------------------------------------------------------------ builders

    @classmethod
    def _create_store(cls, name, code, zip_code):
        partner = cls.env["res.partner"].create(
            {"name": name, "zip": zip_code, "country_id": cls.germany.id}
        )
        return cls.env["stock.warehouse"].create(
            {
                "name": name,
                "code": code,
                "partner_id": partner.id,
                "company_id": cls.company.id,
                "oms_node_kind": "store",
            }
        )

    @classmethod
    def _create_store_order(cls, store, customer_name):
        """A confirmed order of ``customer_name`` (a new customer, with a delivery address)
        that ``store`` ships: its delivery, moves and procurement group are that store's."""
        customer = cls.env["res.partner"].create(
            {"name": customer_name, "email": f"{store.code.lower()}@example.com"}
        )
        address = cls.env["res.partner"].create(
            {
                "name": customer_name,
                "type": "delivery",
                "parent_id": customer.id,
                "street": "Hauptstraße 1",
                "zip": "10117",
                "city": "Berlin",
                "country_id": cls.germany.id,
            }
        )
        order = cls.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "partner_shipping_id": address.id,
                "company_id": cls.company.id,
                "warehouse_id": store.id,
                "order_line": [Command.create({"product_id": cls.mug.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        return order

    @classmethod
    def _create_user(cls, login, groups, stores=None):
        """A person of the company (password = login), working for ``stores``, the first of
        them their Default Warehouse as well, as Odoo's own preference."""
        if groups not in ("base.group_user", "base.group_portal"):
            groups = f"base.group_user,{groups}"
        stores = stores or cls.env["stock.warehouse"]
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            oms_warehouse_ids=[Command.set(stores.ids)],
            property_warehouse_id=stores[:1].id,
        )

    def _order_payload(self, external_id):
        """A canonical web shop order of one mug (docs/contracts.md)."""
        return {
            "channel": self.channel.code,
            "external_id": external_id,
            "external_version": 1,
            "status": "open",
            "name": f"#{external_id}",
            "currency": self.company.currency_id.name,
            "customer": {"email": f"{external_id}@example.com", "name": "Web Customer"},
            "shipping_address": {
                "name": "Web Customer",
                "street": "Hauptstraße 2",
                "city": "Berlin",
                "zip": "10117",
                "country_code": "DE",
            },
            "lines": [
                {"external_id": "l1", "sku": "ACCESS-MUG", "quantity": 1, "unit_price": "9.00"}
            ],
        }

    @staticmethod
    def _delivery(order):
        return order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")

    # ------------------------------------------------------------------ calling Odoo

    def call(self, user, model, method, *args, **kwargs):
        """``model.method(*args, **kwargs)`` as ``user``, from that user's web session."""
        if getattr(self, "_session_user", None) != user:
            self.authenticate(user.login, user.login)
            self._session_user = user
        return self._jsonrpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def execute_kw(self, user, key, model, method, *args, **kwargs):
        """The same through ``/jsonrpc`` with an API key, as the sync service calls Odoo."""
        params = {
            "service": "object",
            "method": "execute_kw",
            "args": [self.env.cr.dbname, user.id, key, model, method, list(args), kwargs],
        }
        return self._jsonrpc("/jsonrpc", params)

    def _jsonrpc(self, route, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
        reply = self.url_open(route, body, headers={"Content-Type": "application/json"})
        reply.raise_for_status()
        answer = reply.json()
        if "error" in answer:
            data = answer["error"].get("data") or {}
            raise RpcError(data.get("name"), data.get("message"))
        return answer["result"]

    def api_key(self, user):
        """A new API key of ``user`` (what the sync service logs in with)."""
        return (
            self.env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._generate(None, "access tests", None)
        )

    def assertRefused(self, user, model, method, *args, error=ACCESS_ERROR, **kwargs):
        """``model.method`` called by ``user`` fails with ``error``; returns the RpcError."""
        with self.assertRaises(RpcError, msg=f"{user.login} may call {model}.{method}") as caught:
            self.call(user, model, method, *args, **kwargs)
        self.assertEqual(caught.exception.name, error, caught.exception.message)
        return caught.exception

    def visible(self, user, model, records):
        """The ids among ``records`` that ``user`` finds by searching ``model``."""
        return set(self.call(user, model, "search", [("id", "in", records.ids)]))
