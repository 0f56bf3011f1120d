"""Browser tour: failover from the node form moves the node's open deliveries elsewhere."""

from odoo.tests import tagged

from .tour_common import OmsTourCase


@tagged("post_install", "-at_install")
class TestNodeFailoverTour(OmsTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_tour_carrier("Failover Parcel", oms_default_transit_days=2)

        # Both hold the goods; A is cheaper, so it ships until it is switched off.
        cls.node_a = cls._create_tour_node("Failover DC A", "TFA", "20457", oms_handling_cost=1.0)
        cls.node_b = cls._create_tour_node("Failover DC B", "TFB", "20457", oms_handling_cost=5.0)
        product = cls._create_tour_product("Failover kettle", 1.0, {cls.node_a: 5, cls.node_b: 5})
        customer = cls.env["res.partner"].create(
            {"name": "Failover Customer", "zip": "10117", "country_id": cls.germany.id}
        )
        cls.order = cls._create_tour_order(customer, [(product, 2)])
        cls.order.action_confirm()

    def test_switch_off_from_the_node_form_moves_its_deliveries(self):
        self.assertEqual(self._shipping_nodes(self.order), {"TFA"})

        self.start_tour(
            f"/odoo/action-oms_omnichannel.stock_warehouse_action/{self.node_a.id}",
            "oms_node_failover_tour",
            login="admin",
        )

        self.node_a.invalidate_recordset()
        self.order.invalidate_recordset()
        self.assertFalse(self.node_a.oms_routing_enabled)
        self.assertEqual(self._shipping_nodes(self.order), {"TFB"})
        self.assertEqual(self.order.oms_decision_id.trigger, "failover")
