"""EasyPost's Shipment API as a recorded-contract double on loopback (real HTTP).

Shapes from EasyPost's API reference (``/v2``): ``POST /v2/shipments`` with ``{"shipment":
{to_address, from_address, parcel, reference, options}}`` answers 201 with the shipment
(``id`` ``shp_...``, ``rates`` ``[{id "rate_...", carrier, service, rate, currency}]``,
``postage_label`` null); ``GET /v2/shipments/{id}``; ``POST /v2/shipments/{id}/buy`` with
``{"rate": {"id"}}`` answers the shipment with ``tracking_code``, ``selected_rate`` and
``postage_label`` (``label_url``, ``label_file_type``); buying a shipment twice is refused
(422 ``SHIPMENT.POSTAGE.EXISTS``); an address EasyPost cannot verify is refused at creation
(422 ``ADDRESS.VERIFY.FAILURE``). Basic auth with the API key as the user. The label URL
serves the PDF.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PDF = b"%PDF-1.4\n% EasyPost test label\n"


class EasyPostDouble:
    def __init__(self, api_key: str = "EZTK_test") -> None:
        self.api_key = api_key
        self.requests: list[dict] = []
        self.shipments: dict[str, dict] = {}
        self.fail_next = 0  # answer 503 to the next N API calls
        self.bad_zip = "00000"  # an address with this zip fails verification
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def bought(self) -> list[dict]:
        return [r for r in self.requests if r["method"] == "POST" and r["path"].endswith("/buy")]

    # -- the API ---------------------------------------------------------------------------
    def _answer(self, method: str, path: str, headers: dict, body) -> tuple[int, object]:
        if path.startswith("/labels/"):
            return 200, PDF
        expected = "Basic " + base64.b64encode(f"{self.api_key}:".encode()).decode()
        if headers.get("authorization") != expected:
            return 401, {"error": {"code": "APIKEY.INACTIVE", "message": "Not authorized"}}
        if self.fail_next > 0:
            self.fail_next -= 1
            return 503, {"error": {"code": "SERVICE.UNAVAILABLE", "message": "Try again"}}
        if method == "POST" and path == "/v2/shipments":
            return self._create((body or {}).get("shipment") or {})
        found = re.fullmatch(r"/v2/shipments/(shp_\w+)(/buy)?", path)
        if not found or found.group(1) not in self.shipments:
            return 404, {"error": {"code": "NOT_FOUND", "message": "Not found"}}
        shipment = self.shipments[found.group(1)]
        if method == "GET" and not found.group(2):
            return 200, shipment
        if method == "POST" and found.group(2):
            return self._buy(shipment, (body or {}).get("rate") or {})
        return 404, {"error": {"code": "NOT_FOUND", "message": "Not found"}}

    def _create(self, spec: dict) -> tuple[int, object]:
        for side in ("to_address", "from_address"):
            address = spec.get(side) or {}
            if not address.get("street1") or address.get("zip") == self.bad_zip:
                return 422, {
                    "error": {
                        "code": "ADDRESS.VERIFY.FAILURE",
                        "message": f"Unable to verify {side}",
                    }
                }
        number = len(self.shipments) + 1
        shipment_id = f"shp_{number:06d}"
        shipment = {
            "id": shipment_id,
            "object": "Shipment",
            "reference": spec.get("reference"),
            "to_address": spec.get("to_address"),
            "from_address": spec.get("from_address"),
            "parcel": spec.get("parcel"),
            "rates": [
                {
                    "id": f"rate_{number}a",
                    "carrier": "USPS",
                    "service": "Priority",
                    "rate": "7.58",
                    "currency": "USD",
                    "shipment_id": shipment_id,
                },
                {
                    "id": f"rate_{number}b",
                    "carrier": "USPS",
                    "service": "GroundAdvantage",
                    "rate": "5.20",
                    "currency": "USD",
                    "shipment_id": shipment_id,
                },
            ],
            "selected_rate": None,
            "postage_label": None,
            "tracking_code": None,
        }
        self.shipments[shipment_id] = shipment
        return 201, shipment

    @staticmethod
    def _rate(rate_id: str, service: str, amount: str, shipment_id: str) -> dict:
        return {
            "id": rate_id,
            "carrier": "USPS",
            "service": service,
            "rate": amount,
            "currency": "USD",
            "shipment_id": shipment_id,
        }

    def _buy(self, shipment: dict, rate: dict) -> tuple[int, object]:
        if shipment["postage_label"]:
            return 422, {
                "error": {"code": "SHIPMENT.POSTAGE.EXISTS", "message": "Postage already bought"}
            }
        chosen = next((r for r in shipment["rates"] if r["id"] == rate.get("id")), None)
        if chosen is None:
            return 422, {"error": {"code": "SHIPMENT.RATE.INVALID", "message": "Unknown rate"}}
        shipment["selected_rate"] = chosen
        shipment["tracking_code"] = f"9400100000000000{shipment['id'][-6:]}"
        shipment["postage_label"] = {
            "label_url": f"{self.url}/labels/{shipment['id']}.pdf",
            "label_file_type": "application/pdf",
        }
        return 200, shipment

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def _serve(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                body = json.loads(raw) if raw else None
                with double._lock:
                    double.requests.append(
                        {"method": self.command, "path": self.path, "body": body}
                    )
                    status, answer = double._answer(self.command, self.path, headers, body)
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                kind = "application/pdf" if isinstance(answer, bytes) else "application/json"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

        return Handler
