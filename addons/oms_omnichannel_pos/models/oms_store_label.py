# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The POS doors for a ship-from-store parcel's label (docs/pos.md, "Labels").

The store asks the retailer's carrier for the label from the pick-and-pack screen: the core's
``oms.label.request`` (key ``store-<delivery id>``, from the store's address to the customer's,
with the delivery's carrier), bought by the sync service's carrier adapter and attached to the
delivery by ``oms.intake.apply_labels`` with its tracking number - nothing in the till's call
talks to a carrier. The till then asks how it stands and, once bought, fetches the PDF to
print. Each door checks who calls as the other store doors do (``oms.store.pos``): store
staff of that store and its own tills, or customer service; the PDF comes through the door,
never as an attachment URL of the delivery.
"""

import base64

from odoo import api, models

from ..exceptions import StoreRefusal


class OmsStoreLabel(models.AbstractModel):
    _name = "oms.store.label"
    _description = "Store Orders: POS Label Doors"

    @api.model
    def request_label(self, store_order_id, config_id=None):
        """Ask the carrier for the parcel's label (asking again returns the same request)."""
        store_order = self._checked(store_order_id, config_id)
        try:
            request = self._request(store_order)
        except StoreRefusal as refusal:
            return self._answer(store_order, ok=False, message=refusal.args[0])
        return self._answer(store_order, request)

    @api.model
    def label_status(self, store_order_id, config_id=None):
        """How the parcel's label stands: none, on its way, ready (with the tracking
        number), or refused by the carrier (with why)."""
        return self._answer(self._checked(store_order_id, config_id))

    @api.model
    def label_pdf(self, store_order_id, config_id=None):
        """The label's PDF (base64) once the carrier sold it."""
        store_order = self._checked(store_order_id, config_id)
        request = self._request_of(store_order)
        answer = self._answer(store_order, request)
        attachment = request.label_attachment_id
        if answer["state"] != "bought" or not attachment:
            return {**answer, "ok": False}
        return {
            **answer,
            "name": attachment.name,
            "pdf": base64.b64encode(attachment.raw or b"").decode(),
        }

    # ------------------------------------------------------------------ inside

    @api.model
    def _checked(self, store_order_id, config_id):
        pos = self.env["oms.store.pos"]
        store_order = pos._store_order(store_order_id)
        if config_id:
            pos._till(config_id, store_order.sudo().warehouse_id)
        return store_order.sudo()

    @staticmethod
    def _key(store_order):
        return f"store-{store_order.picking_id.id}"

    @api.model
    def _request_of(self, store_order):
        return (
            self.env["oms.label.request"]
            .sudo()
            .search([("key", "=", self._key(store_order))], limit=1)
        )

    @api.model
    def _request(self, store_order):
        picking = store_order.picking_id
        if store_order.kind != "ship":
            raise StoreRefusal(
                self.env._("%(order)s is collected in the store: it needs no label.",
                           order=store_order.name)
            )  # fmt: skip
        if store_order.state != "accepted" or picking.state in ("done", "cancel"):
            raise StoreRefusal(
                self.env._(
                    "%(order)s is not to prepare (it is %(state)s): no label for it.",
                    order=store_order.name,
                    state=dict(store_order._fields["state"]._description_selection(self.env))[
                        store_order.state
                    ],
                )
            )
        return (
            self.env["oms.label.request"]
            .sudo()
            ._oms_request(
                picking,
                self._key(store_order),
                "outbound",
                store_order.warehouse_id.partner_id,
                picking.partner_id,
                carrier_code=picking.carrier_id.oms_carrier_code or False,
                reference=picking.name,
            )
        )

    @api.model
    def _answer(self, store_order, request=None, ok=True, message=None):
        if request is None:
            request = self._request_of(store_order)
        state = request.state or "none"
        name = store_order.name
        if message is None:
            message = {
                "none": self.env._("No label asked for %(order)s yet.", order=name),
                "requested": self.env._(
                    "The label for %(order)s is on its way from the carrier: look again in a "
                    "minute.",
                    order=name,
                ),
                "bought": self.env._(
                    "The label for %(order)s is ready: %(carrier)s, tracking number %(tracking)s.",
                    order=name,
                    carrier=request.carrier_name or store_order.picking_id.carrier_id.name or "",
                    tracking=request.tracking_number or "",
                ),
                "failed": self.env._(
                    "The carrier sold no label for %(order)s: %(error)s. Buy one by hand and "
                    "type its tracking number.",
                    order=name,
                    error=request.error or self.env._("no reason given"),
                ),
            }[state]
        return {
            "ok": ok,
            "store_order_id": store_order.id,
            "state": state,
            "message": message,
            "tracking": (request.tracking_number or "") if state == "bought" else "",
        }
