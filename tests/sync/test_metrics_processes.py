"""``/metrics`` of an API run with several processes counts what every process counted.

uvicorn's workers are separate processes; a Prometheus counter lives in one of them, so a
scrape - answered by whichever process accepts the connection - read that one's share only.
"""

from __future__ import annotations

import httpx

from tests.sync import helpers
from tests.sync.processes import start_api

SENT = 60


def _refused(text: str) -> float:
    total = 0.0
    for line in text.splitlines():
        name, _, value = line.rpartition(" ")
        if name.startswith("oms_webhooks_rejected_total{") and 'reason="bad_signature"' in name:
            total += float(value)
    return total


def test_a_scrape_counts_every_api_process(redis_server, tmp_path):
    settings = helpers.make_settings(redis_server.url)
    process, url = start_api(settings, tmp_path, workers=2)
    try:
        for _ in range(SENT):
            # A connection each, so that both processes take some of them.
            with httpx.Client(base_url=url, timeout=30) as client:
                body, headers = helpers.shopify(secret="not-the-secret")
                reply = client.post("/webhooks/webshop", content=body, headers=headers)
                assert reply.status_code == 401
        scrapes = []
        for _ in range(12):
            with httpx.Client(base_url=url, timeout=30) as client:
                scrapes.append(_refused(client.get("/metrics").text))
    finally:
        process.stop()
    assert scrapes == [SENT] * len(scrapes)
