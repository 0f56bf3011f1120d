# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A shop's order update changes the order the way customer service would.

``ingest_orders`` keeps the version rule (an older version is ``stale`` and changes nothing);
a newer ``open`` version now also applies what the shop changed - line quantities, lines
added or removed, the delivery address, the delivery mode - through the same operations as
customer service (``sale.order._oms_cancel_lines`` & co., source "the shop": no refund asked
of the shop, no message to the customer - the shop did both).

Only what the *shop* changed is applied: each line remembers the quantity the shop last said
(``oms_shop_quantity``) and the order the address and delivery the shop last said, so an
update that repeats the order as the shop has it never undoes what customer service changed
in Odoo since. A shop whose line quantity drops by the units the OMS itself cancelled and
asked it to refund (``oms_refund_unseen``) is only echoing that cancellation.

What cannot be applied (the goods left, a node is preparing them, no carrier serves the new
address) is kept for a person: a to-do on the order says what the shop wanted and why it was
not done; the rest of the update is applied.
"""

from odoo import models
from odoo.tools import float_compare, float_is_zero

from .oms_intake import IntakeError
from .oms_order_change import OrderChangeRefused


def address_key(address):
    """A comparable signature of a canonical address (None: the shop sent none)."""
    if not address:
        return None
    return "|".join(
        (address.get(key) or "").strip().lower()
        for key in ("name", "street", "street2", "city", "zip", "country_code", "state_code")
    )


def delivery_key(data):
    return "|".join(
        (data["delivery_mode"], data["pickup_store"] or "", data["service_level"] or "standard")
    )


class OmsIntake(models.AbstractModel):
    _inherit = "oms.intake"

    def _prepare_order_vals(self, vals, data):
        vals = super()._prepare_order_vals(vals, data)
        vals["oms_shop_address_key"] = address_key(data["shipping_address"])
        vals["oms_shop_delivery_key"] = delivery_key(data)
        quantities = {line["external_id"]: line["quantity"] for line in data["lines"]}
        for command in vals.get("order_line") or []:
            line_vals = command[2]
            external_id = line_vals.get("oms_external_line_id")
            if external_id in quantities:
                line_vals["oms_shop_quantity"] = quantities[external_id]
        return vals

    def _update_order(self, order, data):
        status, order = super()._update_order(order, data)
        if status == "updated":
            self._oms_apply_shop_changes(order, data)
        return status, order

    # ------------------------------------------------------------------
    def _oms_apply_shop_changes(self, order, data):
        channel = order.oms_channel_id
        source = {"kind": "shop", "client": channel.name}
        prefix = f"shop:{channel.code}:{data['external_id']}:{data['external_version']}"
        refused = []

        def attempt(what, operation):
            try:
                operation()
            except OrderChangeRefused as error:
                if error.code != "nothing_to_change":  # Odoo has it so already
                    refused.append((what, str(error.args[0])))

        lower, higher, added = self._oms_shop_line_changes(order, data)
        if lower:
            attempt(
                self.env._("fewer units"),
                lambda: order._oms_cancel_lines(
                    lower, key=f"{prefix}:lower", source=source, refund=False
                ),
            )
        if higher:
            attempt(
                self.env._("more units"),
                lambda: order._oms_change_quantities(
                    higher, key=f"{prefix}:raise", source=source, refund=False
                ),
            )
        if added:
            attempt(
                self.env._("new lines"),
                lambda: order._oms_add_lines(added, key=f"{prefix}:add", source=source),
            )
        new_address = address_key(data["shipping_address"])
        if new_address and order.oms_shop_address_key and new_address != order.oms_shop_address_key:
            attempt(
                self.env._("the delivery address"),
                lambda: order._oms_change_address(
                    data["shipping_address"], key=f"{prefix}:address", source=source
                ),
            )
        new_delivery = delivery_key(data)
        if order.oms_shop_delivery_key and new_delivery != order.oms_shop_delivery_key:
            attempt(
                self.env._("the delivery mode"),
                lambda: order._oms_change_delivery_mode(
                    data["delivery_mode"],
                    pickup_store=data["pickup_store"],
                    service_level=data["service_level"],
                    key=f"{prefix}:mode",
                    source=source,
                    refund=False,
                ),
            )
        # What the shop says now is the reference for its next update, applied or not.
        order.write({"oms_shop_address_key": new_address, "oms_shop_delivery_key": new_delivery})
        if refused:
            self._oms_shop_change_refused(order, refused)

    def _oms_shop_line_changes(self, order, data):
        """``(lower, higher, added)``: ``(line, units)`` to cancel, ``(line, new quantity)``
        to raise, ``(product, units, uom, values)`` to add - from what the shop changed since
        its last word; the lines' shop quantities are brought up to date."""
        lines = {
            line.oms_external_line_id: line
            for line in order._oms_product_lines()
            if line.oms_external_line_id
        }
        lower, higher, added, seen = [], [], [], set()
        for index, shop_line in enumerate(data["lines"]):
            external_id = shop_line["external_id"]
            seen.add(external_id)
            line = lines.get(external_id)
            if line is None:
                product = self.env["product.product"].search(
                    [
                        ("default_code", "=", shop_line["sku"]),
                        ("company_id", "in", [False, order.company_id.id]),
                    ],
                    limit=1,
                )
                if not product:
                    raise IntakeError(
                        "unknown_sku",
                        f"No product with SKU {shop_line['sku']!r}.",
                        f"lines[{index}].sku",
                    )
                added.append(
                    (
                        product,
                        shop_line["quantity"],
                        product.uom_id,
                        {
                            "price_unit": shop_line["unit_price"],
                            "discount": shop_line["discount_percent"],
                            "oms_external_line_id": external_id,
                            "oms_shop_quantity": shop_line["quantity"],
                        },
                    )
                )
                continue
            self._oms_shop_line_delta(line, shop_line["quantity"], lower, higher)
        for external_id, line in lines.items():
            if external_id not in seen and line.product_uom_qty:
                self._oms_shop_line_delta(line, 0.0, lower, higher)
        return lower, higher, added

    def _oms_shop_line_delta(self, line, quantity, lower, higher):
        rounding = line.product_uom.rounding
        last = line.oms_shop_quantity or line.product_uom_qty
        delta = quantity - last
        echo = min(max(-delta, 0.0), line.oms_refund_unseen)
        line.write(
            {"oms_shop_quantity": quantity, "oms_refund_unseen": line.oms_refund_unseen - echo}
        )
        delta += echo  # units the OMS cancelled itself: the shop only caught up
        if float_is_zero(delta, precision_rounding=rounding):
            return
        if float_compare(delta, 0.0, precision_rounding=rounding) < 0:
            lower.append((line, min(-delta, line.product_uom_qty)))
        else:
            higher.append((line, line.product_uom_qty + delta))

    def _oms_shop_change_refused(self, order, refused):
        items = "; ".join(f"{what}: {why}" for what, why in refused)
        order.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("The shop's change could not be applied"),
            note=self.env._(
                "%(channel)s changed %(order)s, but not everything could follow: %(items)s",
                channel=order.oms_channel_id.name,
                order=order.name,
                items=items,
            ),
            user_id=order._oms_responsible_user().id,
        )
        order.message_post(
            body=self.env._("The shop's update was not fully applied: %s", items),
            subtype_xmlid="mail.mt_note",
        )
