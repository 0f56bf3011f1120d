# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Snapshots the sync service's checkout APIs are fed from (issue 5).

``export_sellable`` is the figure the Redis projection is reconciled with, and the
same computation produces the ``stock.changed`` outbox events, so the projection
rebuilt from Odoo and the projection fed by the outbox agree.
"""

import dataclasses
from datetime import date, datetime, time

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round

from .res_users import INTEGRATION_OR_MANAGER

NETWORK_FORMAT_VERSION = 1


class OmsChannel(models.Model):
    _inherit = "oms.channel"

    # ------------------------------------------------------------------
    # Sellable stock
    # ------------------------------------------------------------------
    def _oms_sellable_warehouses(self):
        """The nodes this channel sells from: its own list, else every routable node."""
        self.ensure_one()
        if self.warehouse_ids:
            return self.warehouse_ids
        return (
            self.env["stock.warehouse"]
            .sudo()
            .search([("company_id", "=", self.company_id.id), ("oms_routing_enabled", "=", True)])
        )

    @api.model
    def _oms_free_quantities(self, products, warehouses):
        """{(product id, warehouse id): on hand - reserved}, counted as the router counts it."""
        free = self.env["oms.sellable.stock"].sudo()._get_on_hand_free(products, warehouses)
        return {(product_id, wh_id): qty for (wh_id, product_id), qty in free.items()}

    @api.model
    def _oms_sellable_rows(self, products, warehouses, pairs=None, channels=None):
        """Sellable rows per channel, product and warehouse.

        ``pairs`` limits the rows to those (product id, warehouse id); ``channels``
        defaults to every active channel. A row is a dict with ``channel`` (code),
        ``product_id``, ``sku``, ``warehouse`` (code) and ``sellable``.
        """
        if channels is None:
            channels = self.sudo().search([])
        free = self._oms_free_quantities(products, warehouses)
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        storable = [
            (product.id, product.default_code or "")
            for product in products.sorted(lambda p: (p.default_code or "", p.id))
            if product.is_storable
        ]
        rows = []
        for channel in channels:
            for warehouse in (channel._oms_sellable_warehouses() & warehouses).sorted("code"):
                for product_id, sku in storable:
                    if pairs is not None and (product_id, warehouse.id) not in pairs:
                        continue
                    sellable = free.get((product_id, warehouse.id), 0.0) - channel.safety_stock
                    rows.append(
                        {
                            "channel": channel.code,
                            "product_id": product_id,
                            "sku": sku,
                            "warehouse": warehouse.code,
                            "sellable": max(0.0, float_round(sellable, precision_digits=digits)),
                        }
                    )
        return rows

    @api.model
    def _oms_get_channel(self, channel_code, door):
        """The channel of a snapshot door, found with the caller's own rights (so within
        their companies: a channel of another company is unknown), read in sudo."""
        self.env["res.users"]._oms_check_door(door, INTEGRATION_OR_MANAGER)
        channel = self.search([("code", "=", channel_code)], limit=1)
        if not channel:
            raise UserError(self.env._("Unknown channel %(code)s", code=channel_code))
        return channel.sudo()

    @api.model
    def export_sellable(self, channel_code, skus=None):
        """Sellable stock per SKU and warehouse the channel may sell from.

        sellable = on hand - reserved - the channel's safety stock, never below 0.
        ``cursor``: the last outbox event whose change the figures include.
        """
        channel = self._oms_get_channel(channel_code, "export_sellable")
        as_of = fields.Datetime.now()
        domain = [("is_storable", "=", True), ("default_code", "!=", False)]
        if skus is not None:
            domain.append(("default_code", "in", list(skus)))
        products = (
            self.env["product.product"]
            .sudo()
            .with_company(channel.company_id)
            .search([*domain, ("company_id", "in", (False, channel.company_id.id))])
        )
        warehouses = channel._oms_sellable_warehouses()
        rows = self._oms_sellable_rows(products, warehouses, channels=channel)
        # Read in the same snapshot as the figures: outbox events up to this id are in them,
        # later ones are not (ids follow commit order), so a projection rebuilt from this
        # export applies only the events after it.
        self.env.cr.execute("SELECT coalesce(max(id), 0) FROM oms_outbox_event")
        return {
            "as_of": as_of.isoformat() + "Z",
            "cursor": self.env.cr.fetchone()[0],
            "stock": [
                {"sku": row["sku"], "warehouse": row["warehouse"], "sellable": row["sellable"]}
                for row in rows
            ],
        }

    # ------------------------------------------------------------------
    # Network
    # ------------------------------------------------------------------
    @api.model
    def export_network(self, channel_code):
        """The channel's nodes, carrier services, products and policy, in the engine's terms.

        Built with the same ``oms.network`` preparation the router uses, so a promise
        computed by the sync service and a routing done in Odoo see the same network.
        Products are keyed by SKU (``default_code``), the identity shops know.
        """
        channel = self._oms_get_channel(channel_code, "export_network")
        Network = self.env["oms.network"].sudo().with_company(channel.company_id)
        warehouses = Network._get_nodes(channel.company_id)
        policy = Network._prepare_policy(channel._get_sourcing_policy(), warehouses)
        # Nodes the channel may not sell from are excluded for its orders.
        not_sold_from = warehouses - channel._oms_sellable_warehouses()
        policy = dataclasses.replace(
            policy,
            excluded_nodes=policy.excluded_nodes
            | frozenset(Network._node_id(wh) for wh in not_sold_from),
        )
        products = (
            self.env["product.product"]
            .sudo()
            .search(
                [
                    ("is_storable", "=", True),
                    ("default_code", "!=", False),
                    ("company_id", "in", (False, channel.company_id.id)),
                ],
                order="default_code, id",
            )
        )
        engine_products = {}
        for product in products:
            engine_products.setdefault(
                product.default_code,
                dataclasses.replace(Network._prepare_product(product), sku=product.default_code),
            )
        return {
            "format": NETWORK_FORMAT_VERSION,
            "channel": channel.code,
            "currency": channel.company_id.currency_id.name,
            "nodes": [_jsonable(Network._prepare_node(wh)) for wh in warehouses],
            "carrier_services": [
                _jsonable(Network._prepare_carrier_service(carrier))
                for carrier in Network._get_carriers(channel.company_id)
            ],
            "products": [_jsonable(product) for product in engine_products.values()],
            "policy": _jsonable(policy),
        }


def _jsonable(value):
    """Engine dataclasses to JSON: sets become sorted lists, times "HH:MM", dates ISO."""
    if dataclasses.is_dataclass(value):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(_jsonable(item) for item in value)
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value
