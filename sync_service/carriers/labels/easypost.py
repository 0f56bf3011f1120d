"""EasyPost: labels through its Shipment API (``/v2``), basic auth with the API key.

``POST /v2/shipments`` (``{"shipment": {"to_address", "from_address", "parcel": {"weight"
(ounces)}, "reference", "options": {"label_format": "PDF"}}}``) answers the shipment with its
``rates``; ``POST /v2/shipments/{id}/buy`` (``{"rate": {"id"}}``) buys one and answers the
shipment with ``tracking_code``, ``selected_rate`` and ``postage_label.label_url``, whose
PDF we fetch. A shipment already bought (``GET /v2/shipments/{id}`` shows its
``postage_label``) is never bought again: the shipment id is remembered before paying.
Errors: ``{"error": {"code", "message"}}``, 422 for a request EasyPost refuses.
"""

from __future__ import annotations

from decimal import Decimal

import httpx

from sync_service.carriers.labels.base import BoughtLabel, LabelError, LabelRequest

OUNCES_PER_KG = 35.27396


class EasyPostLabels:
    name = "easypost"

    def __init__(self, api_url: str, api_key: str, http: httpx.Client) -> None:
        self.api_url = api_url.rstrip("/")
        self.auth = (api_key, "")
        self.http = http

    # -- the API ---------------------------------------------------------------------------
    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        try:
            reply = self.http.request(
                method, f"{self.api_url}{path}", json=body, auth=self.auth, timeout=30
            )
        except httpx.HTTPError as exc:
            raise LabelError(f"EasyPost unreachable: {exc}", retryable=True) from None
        if reply.status_code >= 500 or reply.status_code == 429:
            raise LabelError(f"EasyPost answered {reply.status_code}", retryable=True)
        data = reply.json() if reply.content else {}
        if reply.status_code >= 400:
            error = (data or {}).get("error") or {}
            message = error.get("message") or f"EasyPost refused the request ({reply.status_code})"
            raise LabelError(
                f"{error.get('code') or reply.status_code}: {message}", retryable=False
            )
        return data

    @staticmethod
    def _address(address) -> dict:
        return {
            "name": address.name,
            "company": address.company,
            "street1": address.street,
            "street2": address.street2,
            "city": address.city,
            "state": address.state_code,
            "zip": address.zip,
            "country": address.country_code,
            "phone": address.phone,
            "email": address.email,
        }

    # -- buying ----------------------------------------------------------------------------
    def buy(self, request: LabelRequest, state: dict[str, str], remember) -> BoughtLabel:
        shipment_id = state.get("shipment_id")
        shipment = self._call("GET", f"/v2/shipments/{shipment_id}") if shipment_id else None
        if shipment is None:
            shipment = self._call(
                "POST",
                "/v2/shipments",
                {
                    "shipment": {
                        "to_address": self._address(request.to_address),
                        "from_address": self._address(request.from_address),
                        "parcel": {"weight": round(request.weight_kg * OUNCES_PER_KG, 1)},
                        "reference": request.key,
                        "options": {"label_format": "PDF"},
                    }
                },
            )
            remember(shipment_id=shipment["id"])
        if not (shipment.get("postage_label") or {}).get("label_url"):
            rate = self._choose_rate(shipment, request)
            shipment = self._call(
                "POST", f"/v2/shipments/{shipment['id']}/buy", {"rate": {"id": rate["id"]}}
            )
        return self._bought(shipment)

    @staticmethod
    def _choose_rate(shipment: dict, request: LabelRequest) -> dict:
        rates = shipment.get("rates") or []
        if request.service:
            rates = [
                r
                for r in rates
                if request.service in (r.get("service"), f"{r.get('carrier')} {r.get('service')}")
            ]
        if not rates:
            raise LabelError(f"no rate for {request.service or 'this parcel'}", retryable=False)
        return min(rates, key=lambda r: (Decimal(str(r.get("rate") or "0")), r["id"]))

    def _bought(self, shipment: dict) -> BoughtLabel:
        label_url = (shipment.get("postage_label") or {}).get("label_url") or ""
        tracking = shipment.get("tracking_code") or ""
        if not label_url or not tracking:
            raise LabelError(
                "EasyPost bought no label (no label_url or tracking_code)", retryable=True
            )
        try:
            pdf = self.http.get(label_url, timeout=30)
        except httpx.HTTPError as exc:
            raise LabelError(f"label PDF unreachable: {exc}", retryable=True) from None
        if pdf.status_code != 200 or not pdf.content.startswith(b"%PDF"):
            raise LabelError(f"label PDF not served ({pdf.status_code})", retryable=True)
        rate = shipment.get("selected_rate") or {}
        return BoughtLabel(
            tracking_number=tracking,
            carrier=rate.get("carrier") or "",
            label_pdf=pdf.content,
            label_url=label_url,
            cost=Decimal(str(rate.get("rate") or "0")),
            currency=rate.get("currency") or "",
            shipment_id=shipment["id"],
        )
