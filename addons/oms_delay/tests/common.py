# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The delay tests' retailer: the core's customer message retailer (two DCs, a carrier with
tracking, orders confirmed on Tuesday 1 December 2026 at 10:00 in Berlin and promised for
Thursday), its parcels shipped and scanned through the intake's tracking door."""

from datetime import datetime

from freezegun import freeze_time
from odoo import Command
from odoo.addons.oms_omnichannel.tests.common import TUESDAY_MORNING
from odoo.addons.oms_omnichannel.tests.customer_message_common import OmsCustomerMessageCase


class OmsDelayCase(OmsCustomerMessageCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parcel.oms_carrier_code = "parcel"
        cls.scan = cls.env["oms.delay.scan"]
        cls.program = cls.env["loyalty.program"].create(
            {"name": "Apology vouchers", "program_type": "gift_card", "company_id": cls.company.id}
        )
        cls.policy = cls.env["oms.compensation.policy"].create(
            {
                "name": "Web shop promise",
                "company_id": cls.company.id,
                "currency_id": cls.company.currency_id.id,
                "refund_express_fee": True,
                "voucher_program_id": cls.program.id,
                "order_cap": 12,
                "tier_ids": [
                    Command.create({"after_days": 1, "kind": "amount", "amount": 5}),
                    Command.create({"after_days": 3, "kind": "amount", "amount": 10}),
                ],
            }
        )
        cls.channel.compensation_policy_id = cls.policy

    def _confirmed(self, lines=None, **vals):
        with freeze_time(TUESDAY_MORNING):
            order = self._web_order(lines or [(self.shirt, 1)], **vals)
            order.action_confirm()
            self._send()
        return order

    def _scan_at(self, moment):
        """The scan at ``moment``, over this retailer's parcels only: a database with demo
        data has open parcels of its own, which the counts below must not include."""
        mine = self.env["stock.picking"].search([("company_id", "=", self.company.id)]).ids
        with freeze_time(moment):
            result = self.scan._scan(datetime.fromisoformat(moment), picking_ids=mine)
            self._send()
        return result

    def _track(self, picking, status, moment, event_id):
        [result] = self.env["oms.intake"].apply_tracking(
            [
                {
                    "carrier": "parcel",
                    "tracking_number": picking.carrier_tracking_ref,
                    "status": status,
                    "occurred_at": moment.replace(" ", "T") + "Z",
                    "event_id": event_id,
                }
            ]
        )
        return result

    def _ship_at(self, picking, moment, tracking_ref):
        with freeze_time(moment):
            self._ship(picking, tracking_ref=tracking_ref)
