# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The doors of the customer-service API and the MCP server (docs/contracts.md,
"Customer service").

The sync service calls these coarse methods as its customer-service user (group "OMS
Customer Service API"), on behalf of an API client it authenticated (a customer-service tool,
an AI agent), whose name it passes for the audit. Every call proves who the customer is: the
order's number and the customer's e-mail or the delivery postal code. A wrong or missing
proof gets the same answer as an order that does not exist - never another customer's data.
Every call that found its order is noted on the order's chatter with the client's name.

Changes go through the order's own operations (``sale.order._oms_cancel_lines`` & co.); a
refusal comes back as data (``{"status": "refused", "code", "message"}``), never as an
error, so the agent can read it to the customer.
"""

import logging

from odoo import api, models
from odoo.exceptions import UserError

from .oms_order_change import OrderChangeRefused

_logger = logging.getLogger(__name__)

CS_API = "oms_omnichannel.group_oms_customer_service_api"
SOURCES = ("api", "mcp")


class OmsCustomerService(models.AbstractModel):
    _name = "oms.customer.service"
    _description = "OMS Customer Service (doors of the customer-service API)"

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    @api.model
    def find_order(self, identity, client=None, source="api"):
        """The order the identity proves, in a few words: ``{"status": "found", "order":
        {...}}`` or ``{"status": "not_found", ...}``."""
        service, order = self._door("find_order", identity)
        if not order:
            return service._not_found()
        order._oms_cs_audit(self.env._("Order looked up"), client, source)
        return {"status": "found", "order": order._oms_cs_header()}

    @api.model
    def order_status(self, identity, client=None, source="api"):
        """Where the order stands, in plain words: what ships from where, when, tracking
        links, what is late and why."""
        service, order = self._door("order_status", identity)
        if not order:
            return service._not_found()
        order._oms_cs_audit(self.env._("Status looked up"), client, source)
        return {"status": "found", **order._oms_cs_status()}

    @api.model
    def order_options(self, identity, client=None, source="api"):
        """What the order still allows: which lines may be cancelled and how many, whether
        the address and the delivery mode may change (and to which stores), returns."""
        service, order = self._door("order_options", identity)
        if not order:
            return service._not_found()
        order._oms_cs_audit(self.env._("Options looked up"), client, source)
        return {"status": "found", "order": order.name, **order._oms_cs_options()}

    # ------------------------------------------------------------------
    # Changing
    # ------------------------------------------------------------------
    @api.model
    def cancel_order(
        self, identity, lines=None, reason=None, idempotency_key=None, client=None, source="api"
    ):
        """Cancel the whole order (``lines`` empty) or ``lines``: ``[{"line_id" | "sku",
        "quantity", "uom"?}]`` (``uom`` a unit's name, default the line's)."""
        service, order = self._door("cancel_order", identity, idempotency_key)
        if not order:
            return service._not_found()

        def change(source_vals):
            if not lines:
                return order._oms_cancel_order(
                    reason=reason, key=idempotency_key, source=source_vals
                )
            items = service._lines_of(order, lines)
            return order._oms_cancel_lines(
                items, reason=reason, key=idempotency_key, source=source_vals
            )

        return service._change(order, change, client, source)

    @api.model
    def change_address(self, identity, address, idempotency_key=None, client=None, source="api"):
        """Ship what is not yet prepared to ``address`` (the canonical order's address
        shape: name, street, street2, city, zip, country_code, state_code, phone)."""
        service, order = self._door("change_address", identity, idempotency_key)
        if not order:
            return service._not_found()
        return service._change(
            order,
            lambda src: order._oms_change_address(
                dict(address or {}), key=idempotency_key, source=src
            ),
            client,
            source,
        )

    @api.model
    def change_delivery_mode(
        self,
        identity,
        mode,
        pickup_store=None,
        service_level=None,
        idempotency_key=None,
        client=None,
        source="api",
    ):
        """Home delivery (``ship``, ``service_level`` standard or express) or collection in
        a store (``pickup``, ``pickup_store`` = the store's code)."""
        service, order = self._door("change_delivery_mode", identity, idempotency_key)
        if not order:
            return service._not_found()
        return service._change(
            order,
            lambda src: order._oms_change_delivery_mode(
                mode,
                pickup_store=pickup_store or None,
                service_level=service_level or None,
                key=idempotency_key,
                source=src,
            ),
            client,
            source,
        )

    @api.model
    def start_return(
        self, identity, lines=None, reason=None, idempotency_key=None, client=None, source="api"
    ):
        """Start a return of shipped goods: through the returns of the addon when they exist
        (``sale.order._oms_start_return``), else a clear "not available yet"."""
        service, order = self._door("start_return", identity, idempotency_key)
        if not order:
            return service._not_found()
        if not hasattr(type(order), "_oms_start_return"):
            order._oms_cs_audit(self.env._("Return asked (not available yet)"), client, source)
            return {
                "status": "refused",
                "code": "not_available",
                "message": self.env._(
                    "Returns cannot be started here yet: the customer can return the goods "
                    "as the shop's return policy says, and customer service registers them "
                    "when they arrive."
                ),
            }
        return service._change(
            order,
            lambda src: order._oms_start_return(
                service._lines_of(order, lines or []),
                reason=reason,
                key=idempotency_key,
                source=src,
            ),
            client,
            source,
        )

    # ------------------------------------------------------------------
    # Identity and plumbing
    # ------------------------------------------------------------------
    @api.model
    def _door(self, door, identity, key=None):
        """Check the caller's group, then find the order the identity proves - in sudo,
        within the caller's companies (docs/odoo.md, "Who sees what")."""
        self.env["res.users"]._oms_check_door(door, groups=CS_API)
        service = self.sudo().with_context(allowed_company_ids=self.env.companies.ids)
        if key is not None and (not isinstance(key, str) or not key.strip()):
            raise UserError(self.env._("An idempotency key is a non-empty text."))
        order = service._proven_order(identity)
        # Plain words in the customer's language: the agent reads them out.
        lang = order.partner_id.lang or self.env.lang
        return service.with_context(lang=lang), order.with_context(lang=lang)

    @api.model
    def _proven_order(self, identity):
        """The one order whose number and customer the identity names, or an empty set."""
        if not isinstance(identity, dict):
            return self.env["sale.order"]
        reference = str(identity.get("order") or "").strip()
        email = str(identity.get("email") or "").strip().lower()
        postal = _postal(identity.get("postal_code"))
        if not reference or not (email or postal):
            return self.env["sale.order"]
        # Exact matches only, on indexed columns: a lookup is on every call's path.
        candidates = self.env["sale.order"].search(
            [
                ("company_id", "in", self.env.companies.ids),
                ("state", "!=", "draft"),
                "|",
                "|",
                ("name", "in", list({reference, reference.upper()})),
                ("oms_external_name", "=", reference),
                ("client_order_ref", "=", reference),
            ],
            limit=10,
        )
        proven = candidates.filtered(
            lambda order: (
                (email and email in order._oms_cs_emails())
                or (postal and postal in order._oms_cs_postal_codes())
            )
        )
        if len(proven) != 1:
            if candidates:
                _logger.info("Customer-service lookup of %s: identity not proven", reference)
            return self.env["sale.order"]
        return proven

    @api.model
    def _not_found(self):
        return {
            "status": "not_found",
            "code": "not_found",
            "message": self.env._(
                "No order matches this order number with this e-mail address or postal code."
            ),
        }

    @api.model
    def _change(self, order, change, client, source):
        source_vals = {
            "kind": source if source in SOURCES else "api",
            "client": client or self.env.user.name,
        }
        try:
            with self.env.cr.savepoint():
                return change(source_vals)
        except UserError as refusal:  # OrderChangeRefused, or Odoo's own refusal
            code = getattr(refusal, "code", "refused")
            order._oms_cs_audit(self.env._("Change refused: %s", refusal.args[0]), client, source)
            return {"status": "refused", "code": code, "message": refusal.args[0]}

    @api.model
    def _lines_of(self, order, lines):
        """``[(sale line, quantity, uom)]`` from ``[{"line_id" | "sku", "quantity", "uom"?}]``."""
        items = []
        for index, spec in enumerate(lines if isinstance(lines, list) else []):
            spec = spec if isinstance(spec, dict) else {}
            candidates = order._oms_product_lines()
            if spec.get("line_id"):
                line = candidates.filtered(lambda ln, spec=spec: ln.id == spec["line_id"])
            else:
                line = candidates.filtered(
                    lambda ln, spec=spec: ln.product_id.default_code == spec.get("sku")
                )[:1]
            if not line:
                raise OrderChangeRefused(
                    "unknown_line",
                    self.env._("Line %s of the request is not a line of this order.", index + 1),
                )
            uom = None
            if spec.get("uom"):
                uom = self.env["uom.uom"].search(
                    [
                        ("name", "=ilike", spec["uom"]),
                        ("category_id", "=", line.product_uom.category_id.id),
                    ],
                    limit=1,
                )
                if not uom:
                    raise OrderChangeRefused(
                        "invalid_quantity",
                        self.env._("%s is not a unit this product is counted in.", spec["uom"]),
                    )
            try:
                quantity = float(spec.get("quantity"))
            except (TypeError, ValueError):
                raise OrderChangeRefused(
                    "invalid_quantity",
                    self.env._("Line %s of the request needs a quantity.", index + 1),
                ) from None
            items.append((line, quantity, uom))
        if not items:
            raise OrderChangeRefused(
                "nothing_to_change", self.env._("Say which lines and how many.")
            )
        return items


def _postal(value):
    return "".join(str(value or "").split()).upper()
