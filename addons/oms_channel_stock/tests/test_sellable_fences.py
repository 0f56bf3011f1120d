# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from .common import OmsChannelStockCase


class TestSellableFences(OmsChannelStockCase):
    def test_without_fence_every_channel_sees_the_free_stock(self):
        self.assertEqual(self._seen(), {self.web: 100.0, self.market: 100.0, self.phone: 99.0})

    def test_share_held_from_the_others(self):
        self._fence(self.market, percent=20)
        # The marketplace also sells the shared rest; the others lose its 20 units, the
        # phone its safety stock on top.
        self.assertEqual(self._seen(), {self.web: 80.0, self.market: 100.0, self.phone: 79.0})
        # The store is not fenced.
        self.assertEqual(self._seen(warehouse=self.store)[self.web], 5.0)

    def test_owner_selling_its_own_units_only(self):
        self._fence(self.market, quantity=30, sells_shared=False)
        self.assertEqual(self._seen(), {self.web: 70.0, self.market: 30.0, self.phone: 69.0})

    def test_share_rounds_down_to_whole_units(self):
        self._stock(self.lamp, self.dc, -93)  # 7 left
        self._fence(self.market, percent=20)  # 1.4 units: holds 1
        self.assertEqual(self._seen(), {self.web: 6.0, self.market: 7.0, self.phone: 5.0})

    def test_category_fence_and_product_beats_category(self):
        self._fence(self.market, categ_id=self.lamps.id, percent=50)
        self.assertEqual(self._seen(self.desk_lamp)[self.web], 20.0)
        self.assertEqual(self._seen(self.lamp)[self.web], 50.0)
        self._fence(self.market, quantity=10)
        self.assertEqual(self._seen(self.lamp)[self.web], 90.0)
        self.assertEqual(self._seen(self.desk_lamp)[self.web], 20.0)

    def test_subcategory_beats_its_parent(self):
        desks = self.env["product.category"].create({"name": "Desk", "parent_id": self.lamps.id})
        self.desk_lamp.categ_id = desks
        self._fence(self.market, categ_id=self.lamps.id, percent=50)
        self._fence(self.market, categ_id=desks.id, percent=25)
        self.assertEqual(self._seen(self.desk_lamp)[self.web], 30.0)

    def test_several_channels_never_hold_more_than_the_node_has(self):
        self._fence(self.web, quantity=70)
        self._fence(self.market, quantity=50)
        # The web shop comes first in the channel list: it holds 70, the marketplace the
        # 30 left; the phone owns nothing and sees nothing.
        self.assertEqual(self._seen(), {self.web: 70.0, self.market: 30.0, self.phone: 0.0})

    def test_handed_back_or_archived_fence_no_longer_holds(self):
        rule = self._fence(self.market, percent=20)
        rule.action_release()
        self.assertEqual(self._seen()[self.web], 100.0)
        rule.action_hold_again()
        self.assertEqual(self._seen()[self.web], 80.0)
        rule.active = False
        self.assertEqual(self._seen()[self.web], 100.0)
