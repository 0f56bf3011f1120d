"""Real processes for the sync tests: the API under uvicorn and a Celery worker (+ beat)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.sync.conftest import ROOT, free_port


def service_env(settings, **extra: str) -> dict[str, str]:
    """The environment a sync_service process needs to rebuild ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMS_")}
    env.update({
        "PYTHONPATH": str(ROOT),
        "OMS_ENVIRONMENT": "test",
        "OMS_LOG_LEVEL": "WARNING",
        "OMS_REDIS_URL": settings.redis_url,
        "OMS_ODOO_API_KEY": settings.odoo_api_key.get_secret_value(),
        "OMS_ODOO_URL": settings.odoo_url,
        "OMS_ODOO_DB": settings.odoo_db,
        "OMS_ODOO_UID": str(settings.odoo_uid),
        "OMS_ODOO_LOGIN": settings.odoo_login,
        "OMS_CHANNELS": json.dumps({code: {**c.model_dump(mode="json"),
                                           "secret": c.secret.get_secret_value()}
                                    for code, c in settings.channels.items()}),
        "OMS_CARRIERS": json.dumps({code: {**c.model_dump(mode="json"),
                                           "secret": c.secret.get_secret_value()}
                                    for code, c in settings.carriers.items()}),
        "OMS_ODOO_GATEWAY": "tests.sync.sinks:RecordingOdoo",
        "OMS_INGEST_INTERVAL_S": "0.2",
        "OMS_CLAIM_IDLE_MS": "1000",
        "OMS_RETRY_BASE_S": "0.1",
        "OMS_RETRY_MAX_S": "0.5",
        "OMS_OUTBOX_INTERVAL_S": "3600",
        "OMS_RECONCILE_INTERVAL_S": "3600",
        "OMS_CARRIER_POLL_INTERVAL_S": "3600",
    })  # fmt: skip
    env.update(extra)
    return env


class Process:
    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._log_file = log.open("ab")
        # Own session: killing the group takes the Celery pool children and beat with it.
        self.popen = subprocess.Popen(
            argv,
            env=env,
            cwd=ROOT,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown handlers, no acks."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=20)
        self._log_file.close()

    def stop(self) -> None:
        """Shut down as a service manager does: SIGTERM to the main process only.

        Celery's warm shutdown then lets the pool child finish its task; signalling the whole
        group killed the child mid-task (WorkerLostError in the log) whenever beat had just
        fired one. Whatever the main process leaves behind is killed with the group.
        """
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):  # the group is gone: nothing left
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=20)
        self._log_file.close()


def start_worker(settings, tmp_path: Path, name: str = "worker", concurrency: int = 1,
                 **extra: str) -> Process:  # fmt: skip
    argv = [sys.executable, "-m", "celery", "-A", "sync_service.worker.celery_app", "worker",
            "-B", "-s", str(tmp_path / f"{name}-beat-schedule"), "--concurrency",
            str(concurrency), "--loglevel", "WARNING", "-n", f"{name}@%h"]  # fmt: skip
    return Process(argv, service_env(settings, **extra), tmp_path / f"{name}.log")


def start_api(settings, tmp_path: Path, workers: int = 1, **extra: str) -> tuple[Process, str]:
    port = free_port()
    argv = [sys.executable, "-m", "sync_service", "api", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers)]  # fmt: skip
    process = Process(argv, service_env(settings, **extra), tmp_path / "api.log")
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: _answers(url), what=f"API on {url}", timeout=30, process=process)
    return process, url


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code in (200, 503)
    except httpx.HTTPError:
        return False


def wait_until(predicate, *, what: str, timeout: float = 60, process: Process | None = None):
    """Poll until ``predicate()`` is true; the timeout only bounds a hung test."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if process is not None and process.popen.poll() is not None:
            raise AssertionError(f"{what}: process exited; log:\n{process.log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            log = process.log.read_text()[-3000:] if process else ""
            raise AssertionError(f"gave up waiting for {what}\n{log}")
        time.sleep(0.05)
