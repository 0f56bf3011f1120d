"""Real services for the sync tests: a redis-server of our own (own port, own temp dir,
append-only file on) for the whole session, and settings pointing at it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

# Make `tests.sync...` importable from worker subprocesses started by tests.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from sync_service.main import create_app  # noqa: E402
from sync_service.worker.ingest import Ingestor, make_consumer  # noqa: E402
from tests.sync import sinks  # noqa: E402
from tests.sync.helpers import make_settings  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server process we own: started, stopped and restarted by the tests."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.workdir),
             "--appendonly", "yes", "--appendfsync", "always", "--save", "",
             "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self, *, hard: bool = False) -> None:
        if self.process is None:
            return
        if hard:
            self.process.kill()  # SIGKILL: no shutdown save, only the append-only file survives
        else:
            self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    if not (shutil.which("redis-server") or os.path.exists("/usr/bin/redis-server")):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_client(redis_server):
    """A clean database for each test."""
    client = redis_server.client()
    client.flushdb()
    yield client
    client.close()


@pytest.fixture
def settings(redis_server, redis_client):
    return make_settings(redis_server.url)


# The inbox -> Odoo boundary in-process (test_ingest.py, test_refunds.py): no retry waits, the
# recording sink at the JSON-RPC seam, the API as a TestClient and one ingestor.
@pytest.fixture
def fast_settings(settings):
    return settings.model_copy(update={
        "retry_base_s": 0.0, "retry_max_s": 0.0, "ingest_max_attempts": 3,
        "odoo_gateway": "tests.sync.sinks:RecordingOdoo"})  # fmt: skip


@pytest.fixture
def api(fast_settings):
    with TestClient(create_app(fast_settings)) as client:
        yield client


@pytest.fixture(params=[1, 2], ids=["1-lane", "2-lanes"])
def ingestor(request, fast_settings, redis_client):
    """The worker's ingestor; every test using it runs with one Odoo call at a time and with
    two lanes (docs/sync_service.md, "Ingest lanes")."""
    consumer = make_consumer(redis_client, fast_settings, "test-consumer")
    return Ingestor(consumer, sinks.RecordingOdoo(fast_settings), batch_size=10,
                    lanes=request.param, probe_interval_s=0.001)  # fmt: skip


@pytest.fixture
def live_api(settings, tmp_path):
    """The API under uvicorn (a process, both fast paths), and an HTTP client on it."""
    import httpx

    from tests.sync.processes import start_api

    process, url = start_api(settings, tmp_path)
    with httpx.Client(base_url=url, timeout=30) as client:
        yield client
    process.stop()
