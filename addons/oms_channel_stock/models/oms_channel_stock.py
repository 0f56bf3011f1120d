# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models
from odoo.addons.oms_omnichannel.models.oms_location_node import NODE_MAP_TABLE
from odoo.tools import SQL

from ..fences import Fence, held_units, visible_quantity


class OmsChannelStock(models.AbstractModel):
    """What the fences (``oms.channel.stock.rule``) hold now and what each channel may sell
    because of them; the arithmetic itself is ``fences.py``'s."""

    _name = "oms.channel.stock"
    _description = "Channel Stock Fences Now"

    @api.model
    def _consumed(self, rules, products):
        """``{rule id: {product id: units}}`` each rule's channel's orders took out of its
        node since counting started: moves of its orders leaving the node's stock, not
        cancelled (open and shipped alike). Derived from the moves, so it is the same however
        often it is read; one query for all the rules (a category fence at many nodes is many
        rules, and routing reads them all)."""
        consumed = {rule.id: {} for rule in rules}
        if not rules or not products:
            return consumed
        self.env["stock.move"].flush_model(
            [
                "product_id",
                "location_id",
                "location_dest_id",
                "state",
                "product_qty",
                "sale_line_id",
            ]
        )
        self.env["sale.order.line"].flush_model(["order_id"])
        self.env["sale.order"].flush_model(["oms_channel_id"])
        # The core's location-to-node map follows the locations' paths and the warehouses'
        # stock locations (kept by triggers): the same "below the node's stock location" the
        # sellable stock counts, read by location id instead of matching paths.
        self.env["stock.location"].flush_model(["location_id", "usage"])
        self.env["stock.warehouse"].flush_model(["lot_stock_id"])
        self.env.cr.execute(
            SQL(
                """
                WITH rule AS (
                    SELECT * FROM unnest(%s::integer[], %s::integer[], %s::integer[],
                                         %s::timestamp[]) AS r(id, channel_id, node, since)
                )
                SELECT rule.id, sm.product_id, SUM(sm.product_qty)
                  FROM rule
                  JOIN sale_order so ON so.oms_channel_id = rule.channel_id
                  JOIN sale_order_line sol ON sol.order_id = so.id
                  JOIN stock_move sm ON sm.sale_line_id = sol.id
                  JOIN %s src ON src.location_id = sm.location_id
                             AND src.warehouse_id = rule.node
                 WHERE sm.product_id = ANY(%s)
                   AND sm.state != 'cancel'
                   AND sm.create_date >= rule.since
                   AND NOT EXISTS (
                        SELECT 1 FROM %s dst
                         WHERE dst.location_id = sm.location_dest_id
                           AND dst.warehouse_id = rule.node
                   )
                 GROUP BY rule.id, sm.product_id
                """,
                rules.ids,
                [rule.channel_id.id for rule in rules],
                [rule.warehouse_id.id for rule in rules],
                [rule.date_start or rule.create_date for rule in rules],
                SQL.identifier(NODE_MAP_TABLE),
                products.ids,
                SQL.identifier(NODE_MAP_TABLE),
            )
        )
        for rule_id, product_id, qty in self.env.cr.fetchall():
            consumed[rule_id][product_id] = qty
        return consumed

    @api.model
    def _get_fences(self, products, warehouses):
        """``{(product id, warehouse id): [Fence, ...]}`` of the fences that hold now.

        Per channel, a fence on the product wins over one on its category, and one on a
        category over one on a category above it.
        """
        if not products or not warehouses:
            return {}
        chains = {
            product.id: [int(c) for c in reversed(product.categ_id.parent_path.split("/")) if c]
            for product in products
        }
        categ_ids = {c for chain in chains.values() for c in chain}
        rules = (
            self.env["oms.channel.stock.rule"]
            .sudo()
            .search(
                [
                    ("released", "=", False),
                    ("warehouse_id", "in", warehouses.ids),
                    "|",
                    ("product_id", "in", products.ids),
                    ("categ_id", "in", list(categ_ids)),
                ]
            )
        )
        if not rules:
            return {}
        by_key = {}
        for rule in rules:
            target = ("p", rule.product_id.id) if rule.product_id else ("c", rule.categ_id.id)
            by_key[(rule.warehouse_id.id, rule.channel_id.id, target)] = rule
        consumed = self._consumed(rules.filtered(lambda r: r.fence_type == "quantity"), products)
        fences = defaultdict(list)
        channels = rules.channel_id
        for wh_id in set(rules.warehouse_id.ids):
            for channel in channels:
                for product in products:
                    keys = [("p", product.id)] + [("c", c) for c in chains[product.id]]
                    rule = next(
                        (by_key[k] for k in ((wh_id, channel.id, t) for t in keys) if k in by_key),
                        None,
                    )
                    if rule is None:
                        continue
                    used = 0.0
                    if rule.fence_type == "quantity":
                        used = consumed[rule.id].get(product.id, 0.0)
                    fences[(product.id, wh_id)].append(
                        Fence(
                            channel_id=channel.id,
                            priority=(channel.sequence, channel.id),
                            kind=rule.fence_type,
                            amount=rule.quantity if rule.fence_type == "quantity" else rule.percent,
                            consumed=used,
                            shares=rule.sells_shared,
                        )
                    )
        return dict(fences)

    @api.model
    def _fenced_quantity(self, channel, free, fences):
        """What ``channel`` (may be empty: an order without a channel) may sell of ``free``
        units at a node with ``fences``, before its safety stock."""
        return visible_quantity(channel.id or 0, free, fences)

    @api.model
    def _held_units(self, free, fences):
        return held_units(fences, free)
