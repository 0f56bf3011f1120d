# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import OmsReplenishmentCase


@tagged("post_install", "-at_install")
class TestReject(OmsReplenishmentCase):
    def setUp(self):
        super().setUp()
        self._compute()
        [self.transfer] = self._open(kind="transfer")

    def _reject(self, proposals, reason):
        action = proposals.action_open_reject()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard.reason = reason
        return wizard.save().action_reject()

    def test_rejected_with_its_reason_and_nothing_made(self):
        self._reject(self.transfer, "The store is refitted next month")
        self.assertEqual(self.transfer.state, "rejected")
        self.assertEqual(self.transfer.reject_reason, "The store is refitted next month")
        self.assertFalse(self.transfer.picking_id)
        self.transfer.action_confirm()
        self.assertEqual(self.transfer.state, "rejected")
        self.assertFalse(self.transfer.picking_id)

    def test_a_rejection_needs_a_reason(self):
        with self.assertRaises(UserError):
            self.transfer._reject("  ")
        self.assertEqual(self.transfer.state, "open")

    def test_a_rejected_lane_is_proposed_again_as_a_new_proposal(self):
        self._reject(self.transfer, "Not this week")
        self._compute()
        [again] = self._open(kind="transfer")
        self.assertNotEqual(again, self.transfer)
        self.assertEqual(self.transfer.state, "rejected")
