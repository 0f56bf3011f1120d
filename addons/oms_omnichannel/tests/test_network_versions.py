from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestNetworkVersions(OmsRoutingCase):
    """A change of the network's master data rebuilds only what it changed - the node, the
    carrier service or the policy's network - and leaves the rest of Odoo's caches alone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.north = cls._create_node("NORTH", "20095")
        cls.south = cls._create_node("SOUTH", "80331")
        cls.west = cls._create_node("WEST", "50667")
        cls.shirt = cls._create_product("Shirt")
        for node in (cls.north, cls.south, cls.west):
            cls._stock(cls.shirt, node, 10)
        cls.policy = cls.env["oms.sourcing.policy"]._get_default_policy()

    def setUp(self):
        super().setUp()
        self.network_model = self.env["oms.network"].with_company(self.company)
        self.prepared = []
        network_class = type(self.network_model)
        prepare_node = network_class._prepare_node
        prepare_carrier = network_class._prepare_carrier_service

        def counting_node(model, warehouse):
            self.prepared.append(warehouse.code)
            return prepare_node(model, warehouse)

        def counting_carrier(model, carrier):
            self.prepared.append(carrier.name)
            return prepare_carrier(model, carrier)

        self.patch(network_class, "_prepare_node", counting_node)
        self.patch(network_class, "_prepare_carrier_service", counting_carrier)
        self.clears = []
        self.patch(type(self.env.registry), "clear_cache", lambda reg, *n: self.clears.append(n))

    def _network(self):
        return self.network_model._get_network(self.company, self.policy)

    def _node(self, code):
        return next(node for node in self._network().nodes if node.id == code)

    def _keep_as_committed(self):
        """Keep the current state as a process keeps one built from committed data: what
        another worker's next routing starts from."""
        store = self.network_model._get_store()
        state = self.network_model._build_state(self.company, self.company.oms_network_version)
        store[self.company.id] = state
        self.addCleanup(store.pop, self.company.id, None)
        self.prepared.clear()
        return state

    def test_a_node_edit_prepares_that_node_only(self):
        kept = self._keep_as_committed()
        self.north.oms_cutoff_hour = 11.0
        network = self._network()
        self.assertEqual(self.prepared, ["NORTH"])
        self.assertEqual(self._node("NORTH").cutoff.hour, 11)
        self.assertIs(
            self.network_model._get_state(self.company).nodes[self.south.id],
            kept.nodes[self.south.id],
        )
        self.assertEqual(
            {node.id for node in network.nodes}, {"NORTH", "SOUTH", "WEST", self.home.code}
        )

    def test_the_update_equals_a_full_build(self):
        self._keep_as_committed()
        self.west.write({"oms_priority": 3, "code": "WST"})
        self.south.partner_id.tz = "Europe/Vienna"
        self.parcel.oms_zone_ids.transit_days = 4
        updated = self.network_model._get_state(self.company)
        self.assertCountEqual(self.prepared, ["WST", "SOUTH", "Parcel"])
        full = self.network_model._build_state(self.company, updated.version)
        for name in (
            "node_ids",
            "nodes",
            "node_keys",
            "warehouse_ids",
            "timezones",
            "limited_ids",
            "carrier_ids",
            "carriers",
        ):
            self.assertEqual(getattr(updated, name), getattr(full, name), name)
        self.assertEqual(updated.timezones[self.south.id], "Europe/Vienna")
        self.assertIn("WST", updated.warehouse_ids)
        self.assertNotIn("WEST", updated.warehouse_ids)

    def test_nodes_come_and_go(self):
        closing = self._create_node("CLOSING", "04109")
        self._keep_as_committed()
        closing.active = False
        east = self._create_node("EAST", "01067")
        self.assertEqual(
            list(self.network_model._get_nodes(self.company)),
            [self.home, self.north, self.south, self.west, east],
        )
        self.assertEqual(self.prepared, ["EAST"])
        self.assertNotIn("CLOSING", {node.id for node in self._network().nodes})

    def test_a_policy_edit_rebuilds_its_network_only(self):
        self._network()
        kept = self._keep_as_committed()
        kept.networks[self.policy.id] = network = self._network()
        self.policy.weight_distance = 2.0
        rebuilt = self._network()
        self.assertIsNot(rebuilt, network)
        self.assertEqual(self.prepared, [])

    def test_a_rename_keeps_the_engine_network(self):
        kept = self._keep_as_committed()
        kept.networks[self.policy.id] = network = self._network()
        self.west.name = "West Distribution Centre"
        self.assertIs(self._network(), network)
        self.west.oms_handling_cost = 1.0
        self.assertIsNot(self._network(), network)

    def test_edits_clear_no_cache_of_odoo(self):
        self._network()
        self.north.oms_cutoff_hour = 11.0
        self.parcel.oms_cost_per_package = 7.0
        self.policy.weight_cost = 2.0
        self.north.partner_id.zip = "20099"
        self._network()
        self.assertEqual(self.clears, [])

    def test_an_edit_rolled_back_is_forgotten(self):
        self._network()
        with self.assertRaises(ZeroDivisionError), self.env.cr.savepoint():
            self.north.oms_cutoff_hour = 11.0
            self.assertEqual(self._node("NORTH").cutoff.hour, 11)
            raise ZeroDivisionError
        self.env.invalidate_all()
        self.assertEqual(self._node("NORTH").cutoff.hour, 14)
        # A later change must not be applied on top of what was rolled back.
        self.south.oms_handling_cost = 2.0
        self.assertEqual(self._node("NORTH").cutoff.hour, 14)
        self.assertEqual(self._node("SOUTH").handling_cost, 2.0)

    def test_a_carrier_moving_to_another_company_leaves_its_network(self):
        sister = self.env["res.company"].create({"name": "Sister", "country_id": self.germany.id})
        self._keep_as_committed()
        self.assertIn(self.parcel.id, self.network_model._get_state(self.company).carriers)
        self.parcel.company_id = sister
        self.assertNotIn(self.parcel.id, self.network_model._get_state(self.company).carriers)
        self.assertIn(self.parcel.id, self.network_model._get_state(sister).carriers)
