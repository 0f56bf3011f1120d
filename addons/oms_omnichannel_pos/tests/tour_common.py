# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the POS tours share: store A's till (not yet opened: the tour opens the register as
the store's staff does), store A's staff as the user, and the core tours' screenshots
(``OMS_SCREENSHOTS=<directory>``: oms_omnichannel/tests/tour_common.py)."""

from odoo.addons.oms_omnichannel.tests.tour_common import OmsTourCase
from odoo.tests import HttpCase

from .pos_common import OmsStoreTillCase


class OmsStorePosTourCase(OmsStoreTillCase, HttpCase):
    open_session = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff_a.password = cls.staff_a.login
        cls.customer.name = "Ana Silva"
        # Routing is deterministic: store A first (see common.py), whatever the hour.
        cls.store_a.write({"oms_opening_hour": 0.0, "oms_closing_hour": 24.0})

    def start_tour_in_pos(self, tour_name):
        OmsTourCase.start_tour_with_screenshots(
            self,
            f"/pos/ui?config_id={self.till.id}",
            tour_name,
            login=self.staff_a.login,
            timeout=180,
        )
