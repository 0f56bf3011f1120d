from freezegun import freeze_time
from odoo.tests import tagged

from .common import TUESDAY_MORNING, OmsRoutingCase


@tagged("post_install", "-at_install")
@freeze_time(TUESDAY_MORNING)
class TestNetworkCache(OmsRoutingCase):
    """The engine network is prepared once per company and policy, and forgotten when the
    master data it was built from changes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dc = cls._create_node("DC")
        cls.shirt = cls._create_product("Shirt")
        cls._stock(cls.shirt, cls.dc, 100)

    def setUp(self):
        super().setUp()
        self.builds = []
        network_class = type(self.env["oms.network"])
        original = network_class._build_network

        def counting_build(model, company, policy):
            self.builds.append((company.id, policy.id))
            return original(model, company, policy)

        self.patch(network_class, "_build_network", counting_build)
        self.env["oms.network"]._invalidate()

    def _confirm(self, **vals):
        order = self._create_order([(self.shirt, 1)], **vals)
        order.action_confirm()
        self.assertEqual(order.oms_routing_state, "routed")
        return order

    def test_built_once_for_many_orders(self):
        for _i in range(3):
            self._confirm()
        self.assertEqual(len(self.builds), 1)

    def test_node_change_rebuilds(self):
        self._confirm()
        self.dc.oms_cutoff_hour = 12.0
        self._confirm()
        self.assertEqual(len(self.builds), 2)

    def test_unrelated_warehouse_write_keeps_the_network(self):
        self._confirm()
        self.dc.sequence = 42
        self._confirm()
        self.assertEqual(len(self.builds), 1)

    def test_carrier_zone_and_policy_changes_rebuild(self):
        self._confirm()
        self.parcel.oms_cost_per_package = 7.0
        self._confirm()
        self.parcel.oms_zone_ids[:1].transit_days = 3
        self._confirm()
        self.env.ref("oms_omnichannel.oms_sourcing_policy_fewest_packages").weight_cost = 2.0
        self._confirm()
        self.assertEqual(len(self.builds), 4)

    def test_one_network_per_policy(self):
        fastest = self.env.ref("oms_omnichannel.oms_sourcing_policy_fastest")
        channel = self.env["oms.channel"].create(
            {"name": "Express shop", "code": "express", "sourcing_policy_id": fastest.id}
        )
        self._confirm()
        self._confirm(oms_channel_id=channel.id)
        self._confirm(oms_channel_id=channel.id)
        self.assertEqual([policy for _company, policy in self.builds][1:], [fastest.id])
        self.assertEqual(len(self.builds), 2)
