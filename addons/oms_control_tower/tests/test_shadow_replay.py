from .common import OmsTowerCase


class TestShadowReplay(OmsTowerCase):
    """A policy change replayed on the orders routed so far: the same policy decides the
    same; a changed weight shows the orders that would move, with both explanations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.dc_north | cls.dc_south).write({"oms_health_mode": "off"})
        # NORTH costs more to ship from but ranks first; a rank step weighs 5.
        cls.dc_north.oms_handling_cost = 3.0
        cls.dc_south.oms_handling_cost = 1.0
        cls.policy = cls.env["oms.sourcing.policy"].create(
            {"name": "Rank first", "weight_priority": 5.0, "company_id": cls.company.id}
        )
        cls.channel = cls.env["oms.channel"].create(
            {
                "name": "Replay shop",
                "code": "replay-shop",
                "company_id": cls.company.id,
                "sourcing_policy_id": cls.policy.id,
            }
        )
        cls.orders = cls.env["sale.order"]
        for qty in (1, 2, 3, 1):
            cls.orders |= cls._confirmed(
                [(cls.mug, qty), (cls.plate, 1)], oms_channel_id=cls.channel.id
            )

    def _replay(self, **changes):
        replay = self.env["oms.policy.replay"].create({"policy_id": self.policy.id, "days": 7})
        replay.write(changes)
        replay.action_replay()
        return replay

    def test_every_routing_records_what_the_engine_was_asked(self):
        for order in self.orders:
            data = order.oms_decision_id.oms_replay_input
            self.assertEqual(data["order"]["id"], str(order.id))
            self.assertEqual(
                data["stock"][str(self.mug.id)]["NORTH"],
                50
                - sum(
                    o.order_line.filtered(lambda line: line.product_id == self.mug).product_uom_qty
                    for o in self.orders
                    if o.id < order.id
                ),
            )
            self.assertEqual(data["decided"]["shipments"][0][0], "NORTH")

    def test_the_same_policy_replays_to_the_same_decisions(self):
        # Stock has moved on since: the replay uses the stock as each decision saw it.
        self.env["stock.quant"]._update_available_quantity(
            self.mug, self.dc_north.lot_stock_id, -50
        )
        replay = self._replay()
        self.assertEqual(replay.order_count, 4)
        self.assertEqual(replay.changed_count, 0)
        self.assertFalse(replay.order_line_ids)
        self.assertEqual(replay.replay_cost, replay.decided_cost)
        self.assertEqual(replay.replay_packages, replay.decided_packages)
        self.assertEqual(replay.replay_split_rate, replay.decided_split_rate)
        north = replay.node_line_ids.filtered(lambda n: n.warehouse_id == self.dc_north)
        self.assertEqual((north.decided_shipments, north.replay_shipments), (4, 4))

    def test_a_changed_weight_shows_the_orders_that_would_move(self):
        replay = self._replay(weight_priority=0.0)
        self.assertEqual(replay.changed_count, 4)
        self.assertEqual(replay.order_line_ids.sale_order_id, self.orders)
        self.assertAlmostEqual(replay.decided_cost - replay.replay_cost, 4 * 2.0)
        by_node = {
            n.warehouse_id: (n.decided_shipments, n.replay_shipments) for n in replay.node_line_ids
        }
        self.assertEqual(by_node[self.dc_north], (4, 0))
        self.assertEqual(by_node[self.dc_south], (0, 4))
        line = replay.order_line_ids[0]
        self.assertIn("NORTH", line.decided_summary)
        self.assertIn("SOUTH", line.replay_summary)
        self.assertIn("SOUTH", line.replay_explanation)
        self.assertIn("NORTH", line.decided_explanation)
        # Nothing changed on the orders; activating changes the policy.
        self.assertEqual(self.orders.oms_decision_id.mapped("trigger"), ["confirm"] * 4)
        self.assertEqual(self.policy.weight_priority, 5.0)
        replay.action_activate()
        self.assertEqual(self.policy.weight_priority, 0.0)
        self.assertEqual(replay.state, "activated")
        self.assertIn("5 \u2192 0", replay.message_ids[0].body)

    def test_orders_without_a_recorded_input_are_skipped_and_discard_changes_nothing(self):
        self.orders[0].oms_decision_id.oms_replay_input = False
        replay = self._replay(weight_priority=0.0)
        self.assertEqual((replay.order_count, replay.skipped_count), (3, 1))
        replay.action_discard()
        self.assertEqual(replay.state, "discarded")
        self.assertEqual(self.policy.weight_priority, 5.0)

    def test_a_node_that_was_off_stays_out_of_the_replay(self):
        self.dc_south.oms_routing_enabled = False
        order = self._confirmed([(self.mug, 1)], oms_channel_id=self.channel.id)
        self.assertIn("SOUTH", order.oms_decision_id.oms_replay_input["disabled"])
        self.dc_south.oms_routing_enabled = True
        replay = self._replay(weight_priority=0.0)
        self.assertNotIn(order, replay.order_line_ids.sale_order_id)
        self.assertEqual(replay.changed_count, 4)
