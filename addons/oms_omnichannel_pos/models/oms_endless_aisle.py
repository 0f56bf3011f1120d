# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Endless aisle: a customer in the store wants what the store lacks. The cashier sees where
the network has it and when it would arrive, and sells it for home delivery or pickup at
another store: a sale order the OMS routes like any other, paid at the till."""

import logging
from datetime import timedelta, timezone

from odoo import api, fields, models
from odoo.addons.oms_omnichannel.models.oms_network import engine
from odoo.tools import format_date

from ..exceptions import StoreRefusal

_logger = logging.getLogger(__name__)
# Pickup stores whose promise the cashier sees, nearest stock first.
MAX_PICKUP_STORES = 8


class OmsEndlessAisle(models.AbstractModel):
    _name = "oms.endless.aisle"
    _description = "Endless Aisle (POS)"

    # ------------------------------------------------------------------ availability

    @api.model
    def _availability(self, config, product, quantity=1, partner=None):
        """Where the network can sell ``quantity`` of ``product`` and when it arrives: at
        the customer's address (``partner``'s, else the store's own area), or ready at a
        pickup store."""
        quantity = max(int(quantity or 1), 1)
        store = config.oms_warehouse_id
        channel = config._oms_channel()
        company = config.company_id
        nodes = self.env["oms.network"].sudo()._get_nodes(company)
        allowed = (channel.warehouse_ids & nodes) if channel.warehouse_ids else nodes
        sellable = self._sellable(channel, product, allowed)
        kinds = dict(
            self.env["stock.warehouse"]._fields["oms_node_kind"]._description_selection(self.env)
        )
        per_node = [
            {
                "warehouse_id": warehouse.id,
                "name": warehouse.name,
                "kind": kinds.get(warehouse.oms_node_kind, ""),
                "sellable": per_product.get(product, 0.0),
                "here": warehouse == store,
            }
            for warehouse, per_product in sellable.items()
            if per_product.get(product, 0.0) > 0 and warehouse.oms_routing_enabled
        ]
        per_node.sort(key=lambda n: (not n["here"], -n["sellable"], n["name"]))
        address = partner if partner and partner.country_id else store.partner_id
        result = {
            "product_id": product.id,
            "product_name": product.display_name,
            "quantity": quantity,
            "here": sum(n["sellable"] for n in per_node if n["here"]),
            "network": sum(n["sellable"] for n in per_node if not n["here"]),
            "nodes": per_node,
            "ship": self._promise(config, product, quantity, address, channel),
            "ship_to": _one_line(address.contact_address) if address else "",
            "ship_to_customer": bool(partner and partner.country_id),
            "pickup": [],
        }
        pickup_stores = nodes.filtered(
            lambda wh: wh.oms_pickup_point and wh.oms_routing_enabled and wh != store
        )
        stocked = {n["warehouse_id"] for n in per_node}
        pickup_stores = pickup_stores.sorted(lambda wh: (wh.id not in stocked, wh.name))
        for warehouse in pickup_stores[:MAX_PICKUP_STORES]:
            promise = self._promise(config, product, quantity, address, channel, pickup=warehouse)
            if promise["possible"]:
                result["pickup"].append(
                    {"warehouse_id": warehouse.id, "name": warehouse.name, **promise}
                )
        return result

    @api.model
    def _sellable(self, channel, product, warehouses):
        """What the till's channel may sell of ``product``, per node: ``{warehouse: {product:
        units}}``. The channel's own figure, the one its shops are sent
        (``oms.channel._oms_sellable_rows``): without its safety stock, and without what other
        channels own there where ``oms_channel_stock`` is installed, so the cashier is never
        offered another channel's fenced units that routing would then not give."""
        if not channel:
            return self.env["oms.sellable.stock"].sudo()._get_sellable(product, warehouses)
        rows = (
            self.env["oms.channel"]
            .sudo()
            ._oms_sellable_rows(product, warehouses, channels=channel.sudo())
        )
        node_of = {warehouse.code: warehouse for warehouse in warehouses}
        return {
            node_of[row["warehouse"]]: {product: row["sellable"]}
            for row in rows
            if row["sellable"] > 0 and row["warehouse"] in node_of
        }

    @api.model
    def _promise(self, config, product, quantity, address, channel, pickup=None):
        """The engine's plan for the units, without routing anything: possible or not, and
        the date promised, in the reader's format."""
        impossible = {"possible": False, "date": "", "from": ""}
        if engine is None or not address:
            return impossible
        company = config.company_id
        network_model = self.env["oms.network"].sudo()
        policy = (
            channel._get_sourcing_policy()
            if channel
            else self.env["oms.sourcing.policy"]._get_default_policy()
        )
        network = network_model._get_network(company, policy)
        network_model._ensure_products(network, product)
        nodes = network_model._get_nodes(company)
        allowed = (channel.warehouse_ids & nodes) if channel.warehouse_ids else nodes
        stock = self._sellable(channel, product, allowed)
        engine_stock = {}
        for warehouse, per_product in stock.items():
            qty = int(per_product.get(product, 0.0))
            if qty > 0:
                engine_stock.setdefault(network_model._sku(product), {})[
                    network_model._node_id(warehouse)
                ] = qty
        excluded = self.env["oms.router"].sudo()._get_warehouses_at_capacity(nodes) | (
            nodes - allowed
        )
        engine_order = engine.Order(
            id=f"pos-{config.id}",
            lines=(engine.OrderLine(sku=network_model._sku(product), quantity=quantity),),
            destination=engine.Destination(
                country=(address.country_id.code or company.country_id.code or "").upper(),
                postal_code=address.zip or "",
            ),
            order_time=fields.Datetime.now().replace(tzinfo=timezone.utc),
            delivery_mode="pickup" if pickup else "ship",
            pickup_node=network_model._node_id(pickup) if pickup else None,
            excluded_nodes=frozenset(network_model._node_id(wh) for wh in excluded),
        )
        try:
            plan = engine.route(network, engine_order, engine_stock)
        except Exception:
            _logger.exception("Endless aisle promise for %s failed", product.display_name)
            return impossible
        if plan.status != "complete" or not plan.promised_date:
            return impossible
        by_node = {network_model._node_id(wh): wh for wh in nodes}
        sources = [by_node[s.node].name for s in plan.shipments if s.node in by_node]
        return {
            "possible": True,
            "date": format_date(self.env, plan.promised_date),
            "date_iso": plan.promised_date.isoformat(),
            "from": ", ".join(dict.fromkeys(sources)),
        }

    # ------------------------------------------------------------------ the sale

    @api.model
    def _create_order(self, config, partner, lines, mode, pickup=None, key=None):
        """A quotation of ``lines`` (``[(product, quantity)]``) for ``partner``, delivered
        home (``mode`` "ship") or at the ``pickup`` store. The till then takes the payment:
        paying it confirms it (as pos_sale settles orders), and the OMS routes it."""
        if key:
            existing = (
                self.env["sale.order"].sudo().search([("oms_pos_request_key", "=", key)], limit=1)
            )
            if existing:
                return existing
        if not partner:
            raise StoreRefusal(self.env._("Choose the customer first: the order is theirs."))
        if mode == "ship":
            if not (partner.street and partner.zip and partner.city and partner.country_id):
                raise StoreRefusal(
                    self.env._(
                        "%(customer)s has no complete address (street, postal code, city, "
                        "country): add it before selling for home delivery.",
                        customer=partner.name,
                    )
                )
        elif mode == "pickup":
            if not pickup or not pickup.oms_pickup_point:
                raise StoreRefusal(self.env._("Choose the store where the customer collects."))
        else:
            raise StoreRefusal(self.env._("Choose home delivery or pickup at a store."))
        if not lines:
            raise StoreRefusal(self.env._("Nothing to sell."))
        store = config.oms_warehouse_id
        vals = {
            "partner_id": partner.id,
            "company_id": config.company_id.id,
            "warehouse_id": store.id,
            "oms_channel_id": config._oms_channel().id,
            "oms_delivery_mode": mode,
            "oms_pickup_warehouse_id": pickup.id if pickup else False,
            "oms_pos_request_key": key or False,
            "user_id": self.env.uid,
            "origin": config.name,
            "order_line": [
                fields.Command.create({"product_id": product.id, "product_uom_qty": quantity})
                for product, quantity in lines
            ],
        }
        if config.crm_team_id:
            vals["team_id"] = config.crm_team_id.id
        if config.pricelist_id:
            vals["pricelist_id"] = config.pricelist_id.id
        order = self.env["sale.order"].sudo().create(vals)
        order._message_log(
            body=self.env._(
                "Sold in store at %(till)s by %(user)s for %(delivery)s: it is confirmed and "
                "routed when paid at the till.",
                till=config.name,
                user=self.env.user.name,
                delivery=self.env._("home delivery")
                if mode == "ship"
                else self.env._("pickup at %s", pickup.name),
            )
        )
        return order

    @api.model
    def _cron_cancel_unpaid(self, days=1):
        """Quotations of the endless aisle nobody paid at the till within ``days``: the
        customer left; they are cancelled so they never confuse anyone."""
        stale = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("oms_pos_request_key", "!=", False),
                    ("state", "in", ("draft", "sent")),
                    ("create_date", "<", fields.Datetime.now() - timedelta(days=days)),
                ]
            )
        )
        if stale:
            stale._action_cancel()
        return stale


def _one_line(address):
    """An address on one line: its non-empty lines joined by commas."""
    return ", ".join(part.strip() for part in (address or "").splitlines() if part.strip(" ,"))
