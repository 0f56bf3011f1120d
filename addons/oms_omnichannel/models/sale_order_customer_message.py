# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer messages of an order: the one door every part of the OMS tells a customer
through (``_oms_notify_customer``), and the core's own moments - confirmed, cancelled."""

from odoo import fields, models


# Customer messages are a concern of their own, kept apart from routing's file of the
# same model.
class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    oms_customer_message_ids = fields.One2many(
        "oms.customer.message",
        "order_id",
        string="Customer Messages",
        groups="oms_omnichannel.group_oms_customer_service",
    )

    def _oms_notify_customer(self, event, pickings=None, key=None, **values):
        """Tell each order's customer ``event`` by e-mail, once per (order, event, key).

        ``event`` is one of ``oms.customer.message``'s events (unknown events raise
        ``ValueError``); ``pickings``: the deliveries it is about (a parcel shipped, a
        handover ready); ``key`` tells apart several messages of one event (default: the
        deliveries, else once per order); ``values``: what the template shows besides the
        order (dates, amounts, links, a reason in words).

        The message is recorded at once and e-mailed by the sender cron right after the
        transaction commits (rendered in the customer's language, in the channel's layout,
        through Odoo's mail queue): a retried transaction, cron or RPC call finds it
        recorded and sends nothing twice, and a template that fails to render never fails
        the caller. Nothing is e-mailed when the channel's shop sends its own e-mails.
        Returns the ``oms.customer.message`` rows (existing ones for repeats).
        """
        Message = self.env["oms.customer.message"].sudo()
        if event not in Message._event_codes():
            raise ValueError(f"Unknown customer message {event!r}.")
        pickings = pickings if pickings is not None else self.env["stock.picking"]
        messages = Message
        for order in self:
            order_pickings = (
                pickings.filtered(lambda p, o=order: p.sale_id == o) if len(self) > 1 else pickings
            )
            messages |= Message._record(
                order.sudo(),
                event,
                order_pickings.sudo(),
                order._oms_message_key(event, order_pickings, key),
                values,
            )
        if messages.filtered(lambda m: m.state == "pending"):
            Message._trigger_sender()
        return messages

    def _oms_message_key(self, event, pickings, key):
        """The key of a message: the caller's, else the deliveries it is about, else none
        (once per order). A confirmation and a cancellation are told once per order
        whatever the key: two parts of the OMS noticing the same cancellation tell it
        once."""
        if event in ("confirmed", "cancelled"):
            return ""
        if key is not None:
            return str(key)
        if pickings:
            return "picking-" + "-".join(str(pid) for pid in sorted(pickings.ids))
        return ""

    # ------------------------------------------------------------------ the core's moments

    def _oms_confirmation_waits(self):
        """Whether the customer's confirmation waits for a check (a risk review, a
        payment): the addon that holds the order sends it when it releases the order."""
        self.ensure_one()
        return False

    def _oms_tells_customer(self):
        """Orders the OMS tells its customer about on its own: those from a channel. An
        order typed in the back office without one follows Odoo's own sales e-mails."""
        return self.filtered(lambda o: o.oms_channel_id)

    def action_confirm(self):
        result = super().action_confirm()
        confirmed = self._oms_tells_customer().filtered(
            lambda o: o.state == "sale" and not o._oms_confirmation_waits()
        )
        confirmed._oms_notify_customer("confirmed")
        return result

    def _action_cancel(self):
        confirmed = self.filtered(lambda o: o.state == "sale")._oms_tells_customer()
        result = super()._action_cancel()
        cancelled = confirmed.filtered(lambda o: o.state == "cancel")
        if cancelled and self.env.context.get("oms_notify_customer", True):
            reason = self.env.context.get("oms_cancel_message") or ""
            cancelled._oms_notify_customer("cancelled", reason=reason)
        return result
