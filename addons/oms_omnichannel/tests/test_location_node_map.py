from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from ..hooks import uninstall_hook
from ..models.oms_location_node import NODE_MAP_TABLE
from ..models.oms_node_quant import NODE_QUANT_TABLE
from .sellable_common import OmsSellableCase


@tagged("post_install", "-at_install")
class TestLocationNodeMap(OmsSellableCase):
    """The stored location-to-node map follows the locations and warehouses as they change,
    so the sellable stock stays what the path-matching query counts: after a location is
    created, moved with its subtree, moved out of every node, archived or given another
    type, after a warehouse gets another stock location, in another company, and when the
    map is rebuilt from scratch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.north = cls._create_node("NORTH")
        cls.south = cls._create_node("SOUTH")
        cls.apple = cls._create_product("Apple")
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.shelf = cls._location("Shelf", cls.north.lot_stock_id)
        cls.bin = cls._location("Bin", cls.shelf)
        for location, qty in (
            (cls.north.lot_stock_id, 10),
            (cls.shelf, 5),
            (cls.bin, 3),
            (cls.south.lot_stock_id, 7),
        ):
            cls.env["stock.quant"]._update_available_quantity(cls.apple, location, qty)
        cls._move(cls.apple, cls.bin, cls.customers, 2)
        cls._move(cls.apple, cls.bin, cls.south.lot_stock_id, 1)

    def _free(self, products=None, warehouses=None):
        return self.env["oms.sellable.stock"]._get_on_hand_free(
            products or self.apple, warehouses or (self.north | self.south)
        )

    def _assert_as_path_matching(self, expected, products=None, warehouses=None):
        products = products or self.apple
        warehouses = warehouses or (self.north | self.south)
        free = self._free(products, warehouses)
        self.assertEqual(free, self._path_matching(products, warehouses))
        self.assertEqual(free, expected)
        self._assert_same_as_rebuilt()

    def _map_rows(self):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT location_id, warehouse_id, internal FROM %s",
                SQL.identifier(NODE_MAP_TABLE),
            )
        )
        return set(self.env.cr.fetchall())

    def _node_quant_rows(self):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT quant_id, warehouse_id, product_id, location_id, free FROM %s",
                SQL.identifier(NODE_QUANT_TABLE),
            )
        )
        return sorted(self.env.cr.fetchall())

    def _node_quant_derived(self):
        """The quants' free quantities per node, derived from ``stock_quant`` and the map."""
        self.env.cr.execute(
            SQL(
                """
                SELECT quant.id, node.warehouse_id, quant.product_id, quant.location_id,
                       (quant.quantity - quant.reserved_quantity)::float8
                  FROM stock_quant quant
                  JOIN %s node ON node.location_id = quant.location_id AND node.internal
                """,
                SQL.identifier(NODE_MAP_TABLE),
            )
        )
        return sorted(self.env.cr.fetchall())

    def _assert_same_as_rebuilt(self):
        """What the triggers kept is what a rebuild from the paths makes, and each quant's
        free quantity per node is what the quants and the map say."""
        kept = self._map_rows()
        self.assertEqual(self._node_quant_rows(), self._node_quant_derived())
        self.env["oms.location.node"]._rebuild()
        self.assertEqual(kept, self._map_rows())
        self.assertEqual(self._node_quant_rows(), self._node_quant_derived())

    def test_the_fixture(self):
        # NORTH: 18 on hand, 2 to customers and 1 to SOUTH promised.
        self._assert_as_path_matching(
            {(self.north.id, self.apple.id): 15, (self.south.id, self.apple.id): 7}
        )

    def test_new_sub_location(self):
        box = self._location("Box", self.bin)
        self.env["stock.quant"]._update_available_quantity(self.apple, box, 4)
        self._move(self.apple, box, self.customers, 1)
        self._assert_as_path_matching(
            {(self.north.id, self.apple.id): 18, (self.south.id, self.apple.id): 7}
        )

    def test_location_inserted_in_sql_with_its_path(self):
        # An import that bypasses the ORM, writing the path with the row.
        self.env.flush_all()
        self.env.cr.execute(
            """
            WITH new AS (SELECT nextval('stock_location_id_seq') AS id)
            INSERT INTO stock_location (id, name, complete_name, location_id, usage,
                                        parent_path, company_id, active)
            SELECT new.id, 'Crate', 'Crate', %(parent)s, 'internal',
                   %(path)s || new.id || '/', %(company)s, true
              FROM new
            RETURNING id
            """,
            {"parent": self.bin.id, "path": self.bin.parent_path, "company": self.company.id},
        )
        crate = self.env["stock.location"].browse(self.env.cr.fetchone()[0])
        self.env["stock.quant"]._update_available_quantity(self.apple, crate, 6)
        self._assert_as_path_matching(
            {(self.north.id, self.apple.id): 21, (self.south.id, self.apple.id): 7}
        )

    def test_location_moved_to_another_node_with_its_subtree(self):
        self.shelf.location_id = self.south.lot_stock_id
        # The shelf's 5 and the bin's 3 are SOUTH's now, and so are the bin's moves; the
        # one to SOUTH stays inside it.
        self._assert_as_path_matching(
            {(self.north.id, self.apple.id): 10, (self.south.id, self.apple.id): 7 + 8 - 2}
        )
        self.shelf.location_id = self.north.lot_stock_id
        self._assert_as_path_matching(
            {(self.north.id, self.apple.id): 15, (self.south.id, self.apple.id): 7}
        )

    def test_location_moved_out_of_every_node(self):
        self.shelf.location_id = self.north.view_location_id
        self._assert_as_path_matching(
            {(self.north.id, self.apple.id): 10, (self.south.id, self.apple.id): 7}
        )

    def test_archived_location_still_counts(self):
        empty = self._location("Empty", self.north.lot_stock_id)
        self.env["stock.quant"]._update_available_quantity(self.apple, empty, 2)
        self.env["stock.quant"]._update_available_quantity(self.apple, empty, -2)
        self._move(self.apple, empty, self.customers, 1)
        empty.active = False
        self._assert_as_path_matching(
            {(self.north.id, self.apple.id): 14, (self.south.id, self.apple.id): 7}
        )

    def test_location_given_another_type(self):
        # Odoo changes the type of empty locations only.
        dock = self._location("Dock", self.north.lot_stock_id)
        staging = self._location("Staging", self.north.lot_stock_id, usage="transit")
        self._move(self.apple, dock, self.customers, 1)
        dock.usage = "transit"
        staging.usage = "internal"
        for location, qty in ((dock, 4), (staging, 2)):
            self.env["stock.quant"]._update_available_quantity(self.apple, location, qty)
        # The dock's 4 no longer sell, what leaves it is still promised; the staging's 2 do.
        self._assert_as_path_matching(
            {(self.north.id, self.apple.id): 15 - 1 + 2, (self.south.id, self.apple.id): 7}
        )

    def test_warehouse_given_another_stock_location(self):
        self.north.lot_stock_id = self.shelf
        # Only the shelf and its bin are NORTH's stock now; the former stock location is
        # counted nowhere.
        self._assert_as_path_matching(
            {(self.north.id, self.apple.id): 5, (self.south.id, self.apple.id): 7}
        )

    def test_deleted_location(self):
        empty = self._location("Empty", self.south.lot_stock_id)
        self.assertIn((empty.id, self.south.id, True), self._map_rows())
        empty.unlink()
        self.assertFalse({row for row in self._map_rows() if row[0] == empty.id})
        self._assert_same_as_rebuilt()

    def test_other_company(self):
        other = self.env["res.company"].create({"name": "Other Retail"})
        self.env.user.write({"company_ids": [Command.link(other.id)]})
        env = self.env(context=dict(self.env.context, allowed_company_ids=[other.id]))
        depot = env["stock.warehouse"].search([("company_id", "=", other.id)])
        pear = self._create_product("Pear")
        corner = env["stock.location"].create(
            {"name": "Corner", "location_id": depot.lot_stock_id.id, "usage": "internal"}
        )
        for location, qty in ((depot.lot_stock_id, 6), (corner, 2)):
            env["stock.quant"]._update_available_quantity(pear, location, qty)
        self._move(pear, corner, self.customers, 1)
        nodes = self.north | self.south | depot
        self._assert_as_path_matching(
            {
                (depot.id, pear.id): 7,
                (self.north.id, self.apple.id): 15,
                (self.south.id, self.apple.id): 7,
            },
            products=self.apple | pear,
            warehouses=nodes,
        )
        self.assertEqual(self._free(pear, self.north | self.south), {})

    def test_rebuild_mends_the_map(self):
        """A row missing, one too many, one of the wrong type: the rebuild puts back what the
        paths say, and the quants' rows with it; rows that are right stay as they are."""
        self.env.flush_all()
        table = SQL.identifier(NODE_MAP_TABLE)
        right = self._map_rows()
        cr = self.env.cr
        cr.execute(SQL("SELECT ctid FROM %s WHERE location_id = %s", table, self.bin.id))
        untouched = cr.fetchall()
        cr.execute(SQL("DELETE FROM %s WHERE location_id = %s", table, self.north.lot_stock_id.id))
        cr.execute(
            SQL("UPDATE %s SET internal = false WHERE location_id = %s", table, self.shelf.id)
        )
        cr.execute(
            SQL(
                "INSERT INTO %s (location_id, warehouse_id, internal) VALUES (%s, %s, true)",
                table,
                self.customers.id,
                self.north.id,
            )
        )
        self.assertNotEqual(self._map_rows(), right)
        self.env["oms.location.node"]._rebuild()
        self.assertEqual(self._map_rows(), right)
        cr.execute(SQL("SELECT ctid FROM %s WHERE location_id = %s", table, self.bin.id))
        self.assertEqual(cr.fetchall(), untouched)
        self._assert_as_path_matching(
            {(self.north.id, self.apple.id): 15, (self.south.id, self.apple.id): 7}
        )

    def test_upgrade_from_before_the_quants_rows(self):
        """An upgrade from a version without the quants' rows fills them: the map is already
        right, so its rebuild inserts nothing for them to follow."""
        self.env.flush_all()
        self.env.cr.execute(SQL("DROP TABLE %s", SQL.identifier(NODE_QUANT_TABLE)))
        self.env["oms.location.node"].init()
        self.assertTrue(self._node_quant_rows())
        self._assert_as_path_matching(
            {(self.north.id, self.apple.id): 15, (self.south.id, self.apple.id): 7}
        )

    def test_quants_written_in_sql(self):
        """Imports and Odoo's own SQL write quants without the ORM: in bulk, a quantity, a
        quant's location, a bulk delete."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """
            INSERT INTO stock_quant (product_id, location_id, company_id, quantity,
                                     reserved_quantity, in_date)
            VALUES (%(apple)s, %(shelf)s, %(company)s, 4, 1, now()),
                   (%(apple)s, %(south)s, %(company)s, 2.5, 0, now()),
                   (%(apple)s, %(customers)s, %(company)s, 9, 0, now())
            RETURNING id
            """,
            {
                "apple": self.apple.id,
                "shelf": self.shelf.id,
                "south": self.south.lot_stock_id.id,
                "customers": self.customers.id,
                "company": self.company.id,
            },
        )
        on_shelf, at_south, at_customers = (row[0] for row in cr.fetchall())
        self._assert_as_path_matching(
            {(self.north.id, self.apple.id): 18, (self.south.id, self.apple.id): 9.5}
        )
        self.assertNotIn(at_customers, {row[0] for row in self._node_quant_rows()})
        cr.execute("UPDATE stock_quant SET quantity = 6 WHERE id = %s", [on_shelf])
        cr.execute(
            "UPDATE stock_quant SET location_id = %s WHERE id = %s",
            [self.north.lot_stock_id.id, at_south],
        )
        self._assert_as_path_matching(
            {(self.north.id, self.apple.id): 22.5, (self.south.id, self.apple.id): 7}
        )
        cr.execute(
            "DELETE FROM stock_quant WHERE id = ANY(%s)", [[on_shelf, at_south, at_customers]]
        )
        self._assert_as_path_matching(
            {(self.north.id, self.apple.id): 15, (self.south.id, self.apple.id): 7}
        )

    def test_reservation(self):
        self.env["stock.quant"]._update_reserved_quantity(
            self.apple, self.south.lot_stock_id, 3, strict=True
        )
        self._assert_as_path_matching(
            {(self.north.id, self.apple.id): 15, (self.south.id, self.apple.id): 4}
        )

    def test_uninstall_leaves_stock_writes_working(self):
        """Once the addon's SQL is dropped (in this test's transaction only), a quant's write
        in SQL calls nothing of it."""
        self.env.flush_all()
        uninstall_hook(self.env)
        self.env.cr.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'stock_quant'::regclass"
            " AND tgname LIKE 'oms%%'"
        )
        self.assertEqual(self.env.cr.fetchall(), [])
        self.env.cr.execute(
            "SELECT proname FROM pg_proc WHERE proname LIKE 'oms_node_quant%%'"
            " OR proname LIKE 'oms_location_node%%'"
        )
        self.assertEqual(self.env.cr.fetchall(), [])
        cr = self.env.cr
        cr.execute(
            """
            INSERT INTO stock_quant (product_id, location_id, company_id, quantity,
                                     reserved_quantity, in_date)
            VALUES (%s, %s, %s, 1, 0, now()) RETURNING id
            """,
            [self.apple.id, self.bin.id, self.company.id],
        )
        quant_id = cr.fetchone()[0]
        cr.execute("UPDATE stock_quant SET quantity = 2 WHERE id = %s", [quant_id])
        cr.execute("DELETE FROM stock_quant WHERE id = %s", [quant_id])
        self.assertEqual(cr.rowcount, 1)
