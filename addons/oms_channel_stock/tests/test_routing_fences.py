# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from .common import OmsChannelStockCase


class TestRoutingFences(OmsChannelStockCase):
    def test_other_channel_cannot_take_fenced_units(self):
        self._fence(self.market, percent=20)
        order = self._order(self.web, 85)
        # 80 from the DC, the 5 it may not take there come from the store.
        self.assertEqual(self._shipped(order), {("FDC", self.lamp): 80.0, ("FST", self.lamp): 5.0})

    def test_owner_channel_takes_its_fence_and_the_shared_rest(self):
        self._fence(self.market, percent=20)
        order = self._order(self.market, 85)
        self.assertEqual(self._shipped(order), {("FDC", self.lamp): 85.0})

    def test_fenced_units_are_still_there_for_the_owner(self):
        self._fence(self.market, quantity=20)
        self._order(self.web, 85)  # 80 from the DC, 5 from the store
        order = self._order(self.market, 20)
        self.assertEqual(self._shipped(order), {("FDC", self.lamp): 20.0})

    def test_owner_of_its_own_units_only(self):
        self._fence(self.market, quantity=20, sells_shared=False)
        order = self._order(self.market, 22)
        shipped = self._shipped(order)
        self.assertEqual(shipped[("FDC", self.lamp)], 20.0)
        self.assertEqual(shipped[("FST", self.lamp)], 2.0)

    def test_engine_stock_per_channel(self):
        self._fence(self.market, quantity=30, sells_shared=False)
        router = self.env["oms.router"]
        nodes = self.dc | self.store
        web = self._create_order([(self.lamp, 1)], oms_channel_id=self.web.id)
        market = self._create_order([(self.lamp, 1)], oms_channel_id=self.market.id)
        no_channel = self._create_order([(self.lamp, 1)])
        network = self.env["oms.network"]
        dc, store = network._node_id(self.dc), network._node_id(self.store)
        sku = network._sku(self.lamp)
        self.assertEqual(router._get_engine_stock(web, self.lamp, nodes)[sku], {dc: 70, store: 5})
        self.assertEqual(
            router._get_engine_stock(market, self.lamp, nodes)[sku], {dc: 30, store: 5}
        )
        self.assertEqual(
            router._get_engine_stock(no_channel, self.lamp, nodes)[sku], {dc: 70, store: 5}
        )

    def test_fully_fenced_node_is_short_for_the_others(self):
        self._fence(self.market, percent=100)
        self._fence(self.market, warehouse=self.store, percent=100)
        order = self._order(self.web, 3)
        self.assertFalse(
            {key for key in self._shipped(order) if key[0] in ("FDC", "FST")},
            "nothing may ship from the fenced nodes",
        )
