from collections import defaultdict
from datetime import timezone

from odoo import api, models
from odoo.addons.oms_omnichannel.models.oms_network import engine
from odoo.tools import float_is_zero


class EngineInput:
    """What the engine is asked for one company: the window's orders (in the order they came),
    the stock per node, what each node ranges, and the network."""

    __slots__ = ("network", "orders", "products", "ranged", "stock")

    def __init__(self, network, orders, products, stock, ranged):
        self.network = network
        self.orders = orders
        self.products = products
        self.stock = stock
        self.ranged = ranged


class OmsReplenishmentInput(models.AbstractModel):
    """The demand the OMS has seen and the stock per node, read from Odoo for the engine.

    Demand: every storable line of the orders the OMS routed in the window (sale orders with a
    routing decision), as the customer ordered it - shipped or collected at its store - whether
    or not it was fulfilled: the engine attributes each unit to the node that would have
    served it best with stock everywhere. Stock: the core's sellable stock per node, plus what
    is already on its way there (open receipts from suppliers, open transfers of confirmed
    proposals, quantities to order entered on reordering rules), so that a proposal
    confirmed but not yet arrived is not proposed again.
    """

    _name = "oms.replenishment.input"
    _description = "Replenishment: the engine's input"

    @api.model
    def _read(self, company, since):
        """The :class:`EngineInput` of ``company`` for the orders since ``since`` (UTC)."""
        network_model = self.env["oms.network"].with_company(company)
        policy = self.env["oms.sourcing.policy"].with_company(company)._get_default_policy()
        network = network_model._get_network(company, policy)
        warehouses = network_model._get_nodes(company)
        node_of = network_model._get_node_keys(warehouses)
        orders, product_ids = self._read_orders(company, since, node_of)
        ranged = self._read_ranged(company, node_of)
        product_ids |= {int(sku) for sku in ranged or ()}
        products = self.env["product.product"].browse(sorted(product_ids))
        network_model._ensure_products(network, products)
        stock = self._read_stock(company, products, warehouses, node_of)
        return EngineInput(network, orders, products, stock, ranged)

    @api.model
    def _read_orders(self, company, since, node_of):
        """The engine Orders of the window, oldest first, and the ids of their products."""
        self.env.flush_all()
        partner_fields = self.env["res.partner"]._fields
        # base_geolocalize adds coordinates to addresses; the engine uses them when present.
        coords = (
            "ship.partner_latitude, ship.partner_longitude"
            if "partner_latitude" in partner_fields
            else "NULL, NULL"
        )
        self.env.cr.execute(
            f"""
            SELECT so.id, so.date_order, so.oms_delivery_mode, so.oms_pickup_warehouse_id,
                   so.oms_service_level, so.oms_allow_split, ship.zip, country.code, {coords},
                   sol.product_id, sol.product_uom_qty, sol.product_uom, tmpl.uom_id
              FROM sale_order so
              JOIN sale_order_line sol ON sol.order_id = so.id
              JOIN product_product product ON product.id = sol.product_id
              JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
              JOIN res_partner ship ON ship.id = so.partner_shipping_id
         LEFT JOIN res_country country ON country.id = ship.country_id
             WHERE so.company_id = %s
               AND so.state = 'sale'
               AND so.oms_decision_id IS NOT NULL
               AND so.date_order >= %s
               AND tmpl.is_storable
               AND sol.display_type IS NULL
               AND sol.product_uom_qty > 0
          ORDER BY so.date_order, so.id, sol.product_id
            """,
            (company.id, since),
        )
        rows = self.env.cr.fetchall()
        uoms = self.env["uom.uom"]
        rounding = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        home_country = (company.country_id.code or "").upper()
        by_order = {}
        product_ids = set()
        for (
            order_id,
            date_order,
            mode,
            pickup_id,
            level,
            allow_split,
            zip_code,
            country,
            lat,
            lon,
            product_id,
            qty,
            line_uom,
            product_uom,
        ) in rows:
            if line_uom != product_uom:
                qty = uoms.browse(line_uom)._compute_quantity(qty, uoms.browse(product_uom))
            if not float_is_zero(qty - round(qty), precision_digits=rounding):
                continue  # the engine sources whole units; so did the router
            head = by_order.get(order_id)
            if head is None:
                pickup = node_of.get(pickup_id) if mode == "pickup" and pickup_id else None
                head = by_order[order_id] = {
                    "id": str(order_id),
                    "time": date_order.replace(tzinfo=timezone.utc),
                    "pickup": pickup,
                    "level": level or "standard",
                    "split": bool(allow_split),
                    "destination": engine.Destination(
                        country=(country or home_country).upper(),
                        postal_code=zip_code or "",
                        lat=lat if lat or lon else None,
                        lon=lon if lat or lon else None,
                    ),
                    "lines": defaultdict(int),
                }
            head["lines"][str(product_id)] += round(qty)
            product_ids.add(product_id)
        orders = [
            engine.Order(
                id=head["id"],
                lines=tuple(
                    engine.OrderLine(sku=sku, quantity=qty)
                    for sku, qty in sorted(head["lines"].items())
                    if qty > 0
                ),
                destination=head["destination"],
                order_time=head["time"],
                service_level=head["level"],
                delivery_mode="pickup" if head["pickup"] else "ship",
                pickup_node=head["pickup"],
                allow_split=head["split"],
            )
            for head in by_order.values()
        ]
        return [order for order in orders if order.lines], product_ids

    @api.model
    def _read_ranged(self, company, node_of):
        """What each node ranges: ``{sku: {node: 1}}`` of the active reordering rules of its
        stock, or None when the company has none (then what a node holds counts as ranged)."""
        groups = self.env["stock.warehouse.orderpoint"]._read_group(
            [("company_id", "=", company.id), ("warehouse_id", "in", list(node_of))],
            ["warehouse_id", "product_id"],
        )
        if not groups:
            return None
        ranged = defaultdict(dict)
        for warehouse, product in groups:
            ranged[self.env["oms.network"]._sku(product)][node_of[warehouse.id]] = 1
        return dict(ranged)

    @api.model
    def _read_stock(self, company, products, warehouses, node_of):
        """``{sku: {node: units}}``: sellable stock plus what is on its way to the node."""
        stock = self.env["oms.sellable.stock"]._get_engine_stock(products, warehouses)
        for (wh_id, product_id), qty in self._read_on_the_way(company, products).items():
            node = node_of.get(wh_id)
            if node is None or qty < 1:
                continue
            per_node = stock.setdefault(str(product_id), {})
            per_node[node] = per_node.get(node, 0) + int(qty)
        return stock

    @api.model
    def _read_on_the_way(self, company, products):
        """``{(warehouse id, product id): units}`` that will arrive at a node: open moves into
        its stock from a supplier or by a confirmed proposal's transfer, and the quantities to
        order entered on its reordering rules (a confirmed purchase proposal, not ordered
        yet)."""
        if not products:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT dest.warehouse_id, move.product_id, SUM(move.product_qty)
              FROM stock_move move
              JOIN stock_location dest ON dest.id = move.location_dest_id
              JOIN stock_location src ON src.id = move.location_id
         LEFT JOIN oms_replenishment_proposal proposal
                ON proposal.picking_id = move.picking_id AND proposal.state = 'confirmed'
             WHERE move.company_id = %s
               AND move.product_id = ANY(%s)
               AND move.state NOT IN ('draft', 'done', 'cancel')
               AND dest.usage = 'internal'
               AND dest.warehouse_id IS NOT NULL
               AND (src.usage = 'supplier' OR proposal.id IS NOT NULL)
          GROUP BY dest.warehouse_id, move.product_id
            UNION ALL
            SELECT point.warehouse_id, point.product_id, SUM(point.qty_to_order_manual)
              FROM stock_warehouse_orderpoint point
             WHERE point.company_id = %s
               AND point.product_id = ANY(%s)
               AND point.active
               AND point.qty_to_order_manual > 0
          GROUP BY point.warehouse_id, point.product_id
            """,
            (company.id, products.ids, company.id, products.ids),
        )
        totals = defaultdict(float)
        for wh_id, product_id, qty in self.env.cr.fetchall():
            totals[(wh_id, product_id)] += qty
        return totals
