# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The supplier hears of a delivery offered to it by e-mail (template
``mail_template_dropship_offered``): what, for whom (the shipping data the portal shows), by
when (the SLA's times, in the supplier's language, formats and time zone) and the link to
the delivery's portal page.

Once per offer: an offer is a row of ``oms.dropship.delivery`` (one per delivery routed to
the node), and the e-mail is queued in the transaction that creates the row and noted on it
(``offer_mail_id``). Offering the same delivery again (a retry, the repair cron) creates no
row and sends nothing; a re-route after a supplier turned the order down creates a new
delivery, a new offer, and its own e-mail. It goes through Odoo's mail queue, never sent
inside the routing transaction.
"""

from odoo import api, fields, models


# The e-mail is a concern of its own, kept apart from the supplier's steps.
class OmsDropshipDelivery(models.Model):
    _inherit = "oms.dropship.delivery"  # pylint: disable=consider-merging-classes-inherited

    offer_mail_id = fields.Many2one(
        "mail.mail", string="Offer E-mail", readonly=True, ondelete="set null", copy=False
    )
    offer_mailed = fields.Boolean(string="Supplier E-mailed", readonly=True, copy=False)

    @api.model
    def _oms_offer(self, pickings):
        offered = super()._oms_offer(pickings)
        offered._oms_mail_offer()
        return offered

    def _oms_mail_offer(self):
        """Queue the offer's e-mail to the node's supplier users, once per offer."""
        template = self.env.ref(
            "oms_dropship.mail_template_dropship_offered", raise_if_not_found=False
        )
        if not template:
            return
        for delivery in self.sudo().filtered(lambda d: not d.offer_mailed and d.state == "new"):
            if not delivery._oms_supplier_users().partner_id.filtered("email"):
                continue
            mail_id = template.sudo().send_mail(delivery.id, force_send=False)
            delivery.write({"offer_mail_id": mail_id, "offer_mailed": True})

    # ------------------------------------------------------------------ for the template

    def _oms_supplier_users(self):
        self.ensure_one()
        return self.warehouse_id.sudo().oms_dropship_user_ids.filtered("active")

    def _oms_supplier_partner_ids(self):
        """The recipients (``partner_to``): the supplier's portal users with an e-mail."""
        partners = self._oms_supplier_users().partner_id.filtered("email")
        return ",".join(str(partner_id) for partner_id in partners.ids)

    def _oms_supplier_lang(self):
        """The supplier's language: its first portal user's, else its address's."""
        users = self._oms_supplier_users()
        return users[:1].lang or self.warehouse_id.sudo().partner_id.lang or False

    def _oms_supplier_tz(self):
        users = self._oms_supplier_users()
        return users[:1].tz or self.warehouse_id.sudo().partner_id.tz or "UTC"

    def _oms_portal_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/my/dropship/{self.id}"
