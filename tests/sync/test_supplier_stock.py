"""A drop-ship supplier's system sends its stock to the sync service with its API key, end to
end on a real Odoo 18 (oms_dropship installed on the demo database), real Redis and the API
under uvicorn.

The supplier issues its keys itself in Odoo's portal (real HTTP, CSRF and all); the service
holds no power of its own over supplier stock: a key reaches its own node only. Skipped,
loudly, when Odoo 18 is not importable (docs/sync_service.md).
"""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.sync.processes import start_api
from tests.sync.test_e2e_odoo import integration_settings, odoo  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SKU = "SNEAK-WHT-42"
PROBLEM = "application/problem+json"


class Supplier:
    """A supplier's portal user in a browser-like session, and its node."""

    def __init__(self, odoo, node_id: int, login: str, password: str) -> None:  # noqa: F811
        self.odoo, self.node_id = odoo, node_id
        self.http = httpx.Client(base_url=odoo.url, timeout=120)
        reply = self.http.post(
            "/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": odoo.db, "login": login, "password": password},
            },
        )
        assert reply.json().get("result", {}).get("uid"), reply.text

    def _csrf(self) -> str:
        page = self.http.get("/my/dropship/stock")
        assert page.status_code == 200, page.status_code
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def issue_key(self, name: str) -> str:
        page = self.http.post(
            "/my/dropship/stock/keys",
            data={"csrf_token": self._csrf(), "node_id": self.node_id, "name": name},
        )
        assert page.status_code == 200, page.status_code
        return re.search(r"dsk_[A-Za-z0-9_-]{40,}", page.text).group(0)

    def revoke_key(self, key: str) -> None:
        [found] = self.odoo.admin("oms.dropship.api.key", "search", [["prefix", "=", key[:12]]])
        reply = self.http.post(
            f"/my/dropship/stock/keys/{found}/revoke", data={"csrf_token": self._csrf()}
        )
        assert reply.status_code in (200, 303), reply.status_code

    def on_hand(self, product_id: int) -> float:
        [row] = self.odoo.admin(
            "product.product",
            "read",
            [product_id],
            fields=["qty_available"],
            context={"warehouse_id": self.node_id},
        )
        return row["qty_available"]


@pytest.fixture(scope="module")
def suppliers(odoo):  # noqa: F811
    """oms_dropship installed, with its demo supplier (A) and a second supplier (B)."""
    [module] = odoo.admin("ir.module.module", "search", [["name", "=", "oms_dropship"]])
    odoo.admin("ir.module.module", "button_immediate_install", [module])
    [node_a] = odoo.admin("stock.warehouse", "search", [["oms_node_kind", "=", "dropship"]])
    node_b = odoo.admin(
        "stock.warehouse",
        "create",
        {"name": "Second Supplier (drop-ship)", "code": "SUPB", "oms_node_kind": "dropship"},
    )
    [portal] = odoo.admin(
        "ir.model.data",
        "search_read",
        [["module", "=", "base"], ["name", "=", "group_portal"]],
        fields=["res_id"],
    )
    odoo.admin(
        "res.users",
        "create",
        {
            "name": "Second Supplier",
            "login": "supplier-b@example.com",
            "password": "supplier-b",
            "groups_id": [(6, 0, [portal["res_id"]])],
            "oms_dropship_warehouse_ids": [(6, 0, [node_b])],
        },
    )
    a = Supplier(odoo, node_a, "supplier@example.com", "supplier")
    b = Supplier(odoo, node_b, "supplier-b@example.com", "supplier-b")
    [product] = odoo.admin("product.product", "search", [["default_code", "=", SKU]])
    yield a, b, product
    a.http.close()
    b.http.close()


@pytest.fixture(scope="module")
def api(odoo, suppliers, redis_server, tmp_path_factory):  # noqa: F811
    settings, _currency = integration_settings(odoo, redis_server.url)
    process, url = start_api(settings, tmp_path_factory.mktemp("supplier_api"))
    try:
        yield url
    finally:
        process.stop()


def send(url, key, lines=None, *, idempotency_key=None, csv=None, headers=None):
    sent = {"Idempotency-Key": idempotency_key or uuid.uuid4().hex, **(headers or {})}
    if key:
        sent["Authorization"] = f"Bearer {key}"
    if csv is not None:
        sent.setdefault("Content-Type", "text/csv")
        return httpx.post(f"{url}/suppliers/v1/stock", content=csv, headers=sent, timeout=120)
    return httpx.post(f"{url}/suppliers/v1/stock", json={"lines": lines}, headers=sent, timeout=120)


def assert_problem(reply, status, title):
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"] == PROBLEM
    assert reply.json()["title"] == title, reply.json()
    return reply.json()


def test_a_key_writes_its_own_suppliers_stock_once(api, suppliers, odoo):  # noqa: F811
    a, b, product = suppliers
    key_a, key_b = a.issue_key("ERP of A"), b.issue_key("ERP of B")
    before_b = b.on_hand(product)
    first = send(api, key_a, [{"sku": SKU, "quantity": before_b + 5}], idempotency_key="feed-1")
    assert first.status_code == 200, first.text
    assert first.json() == {"status": "applied", "lines": 1, "changed": 1, "replayed": False}
    assert a.on_hand(product) == before_b + 5
    assert b.on_hand(product) == before_b  # key A cannot reach B's stock
    # A retry (the answer was lost) applies once: same summary, no second feed.
    again = send(api, key_a, [{"sku": SKU, "quantity": before_b + 5}], idempotency_key="feed-1")
    assert again.json() == {**first.json(), "replayed": True}
    uploads = odoo.admin(
        "oms.dropship.stock.upload", "search_count", [["idempotency_key", "=", "feed-1"]]
    )
    assert uploads == 1
    conflict = send(api, key_a, [{"sku": SKU, "quantity": 1}], idempotency_key="feed-1")
    assert_problem(conflict, 409, "idempotency_conflict")
    # B's key, the same Idempotency-Key: B's own feed, B's own stock.
    assert send(api, key_b, [{"sku": SKU, "quantity": 2}], idempotency_key="feed-1").is_success
    assert b.on_hand(product) == 2
    assert a.on_hand(product) == before_b + 5
    # Only the hash is in Odoo.
    [stored] = odoo.admin(
        "oms.dropship.api.key",
        "search_read",
        [["prefix", "=", key_a[:12]]],
        fields=["key_hash", "warehouse_id"],
    )
    assert stored["key_hash"] != key_a and key_a not in stored["key_hash"]
    assert stored["warehouse_id"][0] == a.node_id


def test_bad_lines_are_refused_line_by_line_and_nothing_applies(api, suppliers):
    a, _b, product = suppliers
    key = a.issue_key("ERP")
    before = a.on_hand(product)
    reply = send(
        api,
        key,
        [
            {"sku": SKU, "quantity": 1},
            {"sku": "NO-SUCH-SKU", "quantity": 1},
            {"sku": "PBANK-20K", "quantity": -3},
            {"sku": "X", "qty": 2},
        ],
    )
    body = assert_problem(reply, 422, "stock_refused")
    assert [e["line"] for e in body["errors"]] == [2, 3, 4]
    assert "Unknown SKU NO-SUCH-SKU" in body["errors"][0]["reason"]
    assert "negative" in body["errors"][1]["reason"]
    assert a.on_hand(product) == before
    csv = f"sku,quantity\n{SKU},1\nPBANK-20K,lots\n".encode()
    body = assert_problem(send(api, key, csv=csv), 422, "stock_refused")
    assert [e["line"] for e in body["errors"]] == [3]
    assert a.on_hand(product) == before
    assert send(api, key, csv=f"sku;quantity\n{SKU};{before + 1}\n".encode()).is_success
    assert a.on_hand(product) == before + 1
    assert_problem(send(api, key, csv=b"\xff\xfe\x00"), 422, "stock_refused")
    assert_problem(
        send(api, key, headers={"Content-Type": "application/xml"}, csv=b"<x/>"),
        422,
        "invalid_request",
    )
    reply = httpx.post(
        f"{api}/suppliers/v1/stock", json={"lines": []}, headers={"Authorization": f"Bearer {key}"}
    )
    assert_problem(reply, 422, "missing_idempotency_key")


def test_no_key_wrong_key_revoked_key_are_refused(api, suppliers, redis_server):
    a, _b, product = suppliers
    before = a.on_hand(product)
    lines = [{"sku": SKU, "quantity": 0}]
    reply = send(api, None, lines)
    assert_problem(reply, 401, "missing_api_key")
    assert reply.headers["www-authenticate"] == "Bearer"
    key = a.issue_key("ERP to revoke")
    assert_problem(send(api, key[:-3] + "abc", lines), 401, "bad_api_key")
    assert_problem(send(api, "not-a-key", lines), 401, "bad_api_key")
    a.revoke_key(key)
    assert_problem(send(api, key, lines), 401, "revoked_api_key")
    assert_problem(send(api, None, lines, headers={"X-API-Key": key}), 401, "revoked_api_key")
    assert a.on_hand(product) == before
    # Guessing is paused: 20 wrong keys an hour from one caller, then 429 before Odoo.
    for _ in range(17):
        send(api, "dsk_guess", lines)
    good = a.issue_key("ERP")
    body = assert_problem(send(api, good, lines), 429, "rate_limited")
    assert body["detail"].startswith("too many calls with a wrong API key")
    client = redis_server.client()
    client.delete(*client.keys("oms:suppliers:failed:*"))
    assert send(api, good, lines).is_success
    assert a.on_hand(product) == 0


def test_odoo_down_is_refused_with_retry_after_then_applies_once(api, suppliers, odoo):  # noqa: F811
    a, _b, product = suppliers
    key = a.issue_key("ERP")
    lines = [{"sku": SKU, "quantity": 11}]
    odoo.stop()
    try:
        reply = send(api, key, lines, idempotency_key="outage-1")
        body = assert_problem(reply, 503, "odoo_unavailable")
        assert int(reply.headers["retry-after"]) > 0
        assert "nothing was changed" in body["detail"]
    finally:
        odoo.start()
    first = send(api, key, lines, idempotency_key="outage-1")
    assert first.json() == {"status": "applied", "lines": 1, "changed": 1, "replayed": False}
    assert send(api, key, lines, idempotency_key="outage-1").json()["replayed"] is True
    assert a.on_hand(product) == 11
