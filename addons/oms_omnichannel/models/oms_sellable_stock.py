import math
from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from .oms_location_node import NODE_MAP_TABLE
from .oms_node_quant import NODE_QUANT_TABLE
from .oms_outbox_event import LOCKED_KEY

LOCK_TABLE = "oms_stock_lock"
# Up to this many nodes, the stock query keeps only theirs; past it, Python does.
FILTERED_NODES = 100


class OmsSellableStock(models.AbstractModel):
    """Sellable stock per node and product, and the lock that makes reading it safe.

    Sellable = on hand - reserved - the channel's safety stock, in the product's unit, counted
    in each warehouse's stock location and below.
    """

    _name = "oms.sellable.stock"
    _description = "Sellable Stock"

    def init(self):
        # A row per product, bumped by every routing that reads the product's stock. Odoo runs
        # transactions in REPEATABLE READ: a plain SELECT ... FOR UPDATE would make a second
        # router wait, then let it read its stale snapshot and promise the same last unit.
        # Updating the row instead makes the second one fail with a serialization error, and
        # Odoo retries its whole transaction with fresh data.
        self.env.cr.execute(
            SQL(
                """
                CREATE TABLE IF NOT EXISTS %s (
                    product_id integer PRIMARY KEY
                        REFERENCES product_product(id) ON DELETE CASCADE,
                    version bigint NOT NULL DEFAULT 0
                )
                """,
                SQL.identifier(LOCK_TABLE),
            )
        )

    @api.model
    def _lock_products(self, products):
        """Serialise routings that read the stock of the same products.

        Rows are taken in product id order, so two routings never wait on each other in a
        cycle.
        """
        if not products:
            return
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO %s (product_id, version)
                SELECT id, 1 FROM unnest(%s::integer[]) AS id ORDER BY id
                ON CONFLICT (product_id) DO UPDATE SET version = %s.version + 1
                """,
                SQL.identifier(LOCK_TABLE),
                sorted(products.ids),
                SQL.identifier(LOCK_TABLE),
            ),
            # The serialization failure is expected under contention; Odoo retries.
            log_exceptions=False,
        )
        # Held until the transaction ends: the outbox, about to lock the same products for
        # the stock the routing reserves, need not take them again (a query per order).
        self.env.cr.precommit.data.setdefault(LOCKED_KEY, set()).update(products.ids)

    @api.model
    def _get_on_hand_free(self, products, warehouses):
        """On hand minus what is promised out of it, per (warehouse, product).

        Promised = reserved quants plus the unreserved rest of confirmed moves leaving the
        stock location (deliveries of warehouses that reserve late or manually, shortfalls).
        One query for all pairs; the warehouse's stock location and its children count, the
        input, output and packing zones of multi-step warehouses do not.

        Which node a location counts in is stored (``oms.location.node``), and so is each
        quant's free quantity at its nodes (``oms_node_quant``): the query reads the products'
        rows there, and joins their open moves to the map by location id, with no location
        path read.
        """
        return {
            (wh_id, product_id): qty
            for product_id, (wh_ids, qtys) in self._get_free_by_product(
                products, warehouses
            ).items()
            for wh_id, qty in zip(wh_ids, qtys, strict=True)
        }

    @api.model
    def _get_free_by_product(self, products, warehouses):
        """``_get_on_hand_free`` as ``{product id: (warehouse ids, quantities)}``: one row per
        product from the database instead of one per node and product."""
        if not products or not warehouses:
            return {}
        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "quantity", "reserved_quantity"]
        )
        self.env["stock.move"].flush_model(
            ["product_id", "location_id", "location_dest_id", "state", "product_qty", "quantity"]
        )
        # The map follows the locations' paths and the warehouses' stock locations.
        self.env["stock.location"].flush_model(["location_id", "usage"])
        self.env["stock.warehouse"].flush_model(["lot_stock_id"])
        # Each quant and open move of the products with its node, listed as they are: the
        # quants where their free quantity is kept per node (``oms_node_quant``: narrow rows,
        # no join), the moves joined to the map. Adding up a node's rows (bins, lots, moves)
        # is done below, in Python: a numeric SUM per node and product, then sorting the sums,
        # cost as much as the rest of the query at 1,000 nodes, for what is one row per node
        # and product almost always. The quants' rows and the moves' are aggregated apart: the
        # quants' come in the index's order, so PostgreSQL adds them to their product's arrays
        # as they come instead of hashing them; a product with open moves gets a second row.
        given = SQL()
        filtered = len(warehouses) <= FILTERED_NODES
        if filtered:
            # A few nodes (a store's own stock, the node a delivery left): only their rows.
            given = SQL("AND node.warehouse_id = ANY(%s)", warehouses.ids)
        # Many nodes (the network, a channel's share of it): every node's rows, and Python
        # keeps the asked ones (all of them, when the whole network is asked).
        self.env.cr.execute(
            SQL(
                """
                SELECT node.product_id, array_agg(node.warehouse_id), array_agg(node.free)
                  FROM %(quants)s node
                 WHERE node.product_id = ANY(%(products)s) %(given)s
                 GROUP BY node.product_id
                UNION ALL
                -- Moves leaving the node: from one of its locations to none of them.
                SELECT move.product_id, array_agg(node.warehouse_id),
                       array_agg((COALESCE(move.quantity, 0) - move.product_qty)::float8)
                  FROM stock_move move
                  JOIN %(map)s node ON node.location_id = move.location_id %(given)s
                 WHERE move.product_id = ANY(%(products)s)
                   AND move.state IN ('confirmed', 'partially_available')
                   AND move.product_qty > COALESCE(move.quantity, 0)
                   AND NOT EXISTS (
                        SELECT 1 FROM %(map)s dest
                         WHERE dest.location_id = move.location_dest_id
                           AND dest.warehouse_id = node.warehouse_id
                       )
                 GROUP BY move.product_id
                """,
                quants=SQL.identifier(NODE_QUANT_TABLE),
                map=SQL.identifier(NODE_MAP_TABLE),
                products=products.ids,
                given=given,
            )
        )
        rows = {}
        for product_id, wh_ids, qtys in self.env.cr.fetchall():
            if product_id in rows:  # its quants' rows, then its moves'
                wh_ids, qtys = rows[product_id][0] + wh_ids, rows[product_id][1] + qtys
            rows[product_id] = (wh_ids, qtys)
        wanted = set(warehouses.ids)
        free = {}
        for product_id, (wh_ids, qtys) in rows.items():
            if len(wh_ids) == len(set(wh_ids)) and (filtered or wanted.issuperset(wh_ids)):
                free[product_id] = (wh_ids, qtys)  # a row per node, all of them given
            else:
                free[product_id] = _per_node(wh_ids, qtys, wanted)
        return free

    @api.model
    def _get_sellable(self, products, warehouses, safety_stock=0.0):
        """Sellable quantity per warehouse then product: ``{warehouse: {product: qty}}``.

        Only positive quantities are listed.
        """
        free = self._get_on_hand_free(products, warehouses)
        # The records of the arguments, so that reading one warehouse reads them all.
        warehouse_of = {warehouse.id: warehouse for warehouse in warehouses}
        product_of = {product.id: product for product in products}
        sellable = defaultdict(dict)
        for (wh_id, product_id), qty in free.items():
            qty -= safety_stock
            if qty > 0:
                sellable[warehouse_of[wh_id]][product_of[product_id]] = qty
        return sellable

    @api.model
    def _get_engine_stock(self, products, warehouses, safety_stock=0.0):
        """Sellable stock as the engine reads it: ``{sku: {node id: qty}}``, whole units,
        only positive quantities.

        The nodes are named from the network each process keeps, so the stock of a thousand
        nodes is read without reading a thousand warehouses.
        """
        free = self._get_free_by_product(products, warehouses)
        network = self.env["oms.network"]
        node_of = network._get_node_keys(warehouses)
        stock = defaultdict(dict)
        for product in products:
            wh_ids, qtys = free.get(product.id, ((), ()))
            if not safety_stock and min(qtys, default=0) >= 1:
                # Every node sells at least a unit (a product stocked everywhere, no safety
                # stock): the same dictionary built without a Python step per node.
                units = dict(zip(map(node_of.__getitem__, wh_ids), map(int, qtys), strict=True))
            else:
                units = {
                    node_of[wh_id]: int(qty - safety_stock)
                    for wh_id, qty in zip(wh_ids, qtys, strict=True)
                    if qty - safety_stock >= 1
                }
            if units:
                stock[network._sku(product)] = units
        return stock


def _per_node(wh_ids, qtys, wanted):
    """``(warehouse ids, quantities)`` of the nodes in ``wanted``, each node's rows added up.

    The rows are the database's numeric quantities as floats. Their exact float sum is
    rounded to nine decimals, where the database's own sum would be exact: so that, say,
    1.17 + 2.26 + 0.57 counts four whole units, as ``SUM()`` does, not the 3.9999999999999996
    of adding the floats (Odoo rounds quantities to their unit's precision, far above the
    ninth decimal).
    """
    rows = defaultdict(list)
    for wh_id, qty in zip(wh_ids, qtys, strict=True):
        if wh_id in wanted:
            rows[wh_id].append(qty)
    return (
        list(rows),
        [parts[0] if len(parts) == 1 else round(math.fsum(parts), 9) for parts in rows.values()],
    )
