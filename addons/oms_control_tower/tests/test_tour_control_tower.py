"""Browser tours of the cockpit (figures equal the lists they open) and of the replay."""

from datetime import timedelta

from odoo import fields
from odoo.addons.oms_omnichannel.tests.tour_common import OmsTourCase
from odoo.tests import tagged


class OmsTowerTourCase(OmsTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_tour_carrier("Tower Parcel", oms_default_transit_days=2)
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tower Customer", "zip": "10117", "country_id": cls.germany.id}
        )

    @classmethod
    def _confirm(cls, product, qty=1, **vals):
        order = cls._create_tour_order(cls.customer, [(product, qty)], **vals)
        order.action_confirm()
        return order


@tagged("post_install", "-at_install")
class TestCockpitTour(OmsTowerTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.node_a = cls._create_tour_node("Cockpit DC A", "TCA", "20457", oms_handling_cost=1.0)
        cls.node_b = cls._create_tour_node("Cockpit DC B", "TCB", "80331", oms_handling_cost=4.0)
        kettle = cls._create_tour_product("Cockpit kettle", 1.0, {cls.node_a: 20, cls.node_b: 20})
        teapot = cls._create_tour_product("Cockpit teapot", 1.0, {cls.node_b: 5})
        cls._create_tour_product("Cockpit cup", 0.2, {cls.node_b: 7})
        orders = [cls._confirm(kettle) for _n in range(3)] + [cls._confirm(teapot)]
        late = orders[0].picking_ids.filtered(lambda p: p.state != "cancel")
        late.write(
            {
                "scheduled_date": fields.Datetime.now() - timedelta(days=1),
                "oms_promised_date": fields.Datetime.now() - timedelta(hours=3),
            }
        )
        ghost = cls._create_tour_product("Cockpit ghost", 1.0, {})
        cls.channel.unfulfillable_behaviour = "hold"
        cls._confirm(ghost)

    def test_every_figure_opens_its_list(self):
        self.start_tour_with_screenshots(
            "/odoo/action-oms_control_tower.oms_control_tower_action",
            "oms_cockpit_tour",
            login="admin",
        )


@tagged("post_install", "-at_install")
class TestPolicyReplayTour(OmsTowerTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.north = cls._create_tour_node(
            "Replay North", "TRN", "20457", oms_handling_cost=3.0, oms_priority=0
        )
        cls.south = cls._create_tour_node(
            "Replay South", "TRS", "80331", oms_handling_cost=1.0, oms_priority=1
        )
        cls.policy = cls.env["oms.sourcing.policy"].create(
            {"name": "Tour rank first", "weight_priority": 5.0, "company_id": cls.company.id}
        )
        cls.channel.sourcing_policy_id = cls.policy
        vase = cls._create_tour_product("Replay vase", 1.0, {cls.north: 10, cls.south: 10})
        for _n in range(3):
            cls._confirm(vase)

    def test_replay_then_activate(self):
        self.start_tour_with_screenshots(
            f"/odoo/action-oms_omnichannel.oms_sourcing_policy_action/{self.policy.id}",
            "oms_policy_replay_tour",
            login="admin",
        )
        self.assertEqual(self.policy.weight_priority, 0.0)
        replay = self.env["oms.policy.replay"].search([("policy_id", "=", self.policy.id)])
        self.assertEqual((replay.state, replay.changed_count), ("activated", 3))
