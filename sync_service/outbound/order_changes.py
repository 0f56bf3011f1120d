"""``order.changed``: customer service changed an order in the OMS; the shop hears of it.

The shop's copy of the delivery address follows (the shop shows it to the customer, prints
it on its own documents); quantities and lines reach the shop as refunds
(``refund.requested``) and the shipments as ``order.accepted``. A PUT of the whole address is
idempotent by itself; the shop's order update that comes back carries the same address,
which Odoo recognises as nothing to change.
"""

from __future__ import annotations

from sync_service.outbound.base import check_reply


def _name_parts(name: str) -> tuple[str, str]:
    first, _, last = (name or "").strip().rpartition(" ")
    return (first, last) if first else (last, "")


class ShopifyOrderChanges:
    def on_order_changed(self, _event_id: int, payload: dict) -> str:
        if payload.get("operation") != "address" or not payload.get("external_id"):
            return "skipped"
        address = payload["shipping_address"]
        first, last = _name_parts(address.get("name", ""))
        order_id = int(payload["external_id"])
        body = {
            "order": {
                "id": order_id,
                "shipping_address": {
                    "first_name": first,
                    "last_name": last,
                    "address1": address.get("street", ""),
                    "address2": address.get("street2", ""),
                    "city": address.get("city", ""),
                    "zip": address.get("zip", ""),
                    "country_code": address.get("country_code", ""),
                    "province_code": address.get("state_code") or None,
                    "phone": address.get("phone", ""),
                },
            }
        }
        url = f"{self.channel.api_url}/orders/{order_id}.json"
        check_reply(self.http.put(url, json=body, headers=self._headers()), "update address")
        return "pushed"


class WooCommerceOrderChanges:
    def on_order_changed(self, _event_id: int, payload: dict) -> str:
        if payload.get("operation") != "address" or not payload.get("external_id"):
            return "skipped"
        address = payload["shipping_address"]
        first, last = _name_parts(address.get("name", ""))
        shipping = {
            "first_name": first,
            "last_name": last,
            "address_1": address.get("street", ""),
            "address_2": address.get("street2", ""),
            "city": address.get("city", ""),
            "postcode": address.get("zip", ""),
            "country": address.get("country_code", ""),
            "state": address.get("state_code", ""),
            "phone": address.get("phone", ""),
        }
        self._call("PUT", f"/orders/{payload['external_id']}", json={"shipping": shipping})
        return "pushed"
