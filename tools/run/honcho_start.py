"""`honcho start` for `make run`, made to stop its processes however its terminal goes away.

honcho prints "SIGINT received" before it stops the processes: with `make run | tee run.log`,
Ctrl-C ends tee first, that print raises BrokenPipeError inside honcho's signal handler, and
honcho waits forever with Odoo, PostgreSQL and Redis still running. And honcho does not handle
SIGHUP, so closing the terminal would leave them running too. Here its output ignores a reader
that went away, and SIGHUP stops the stack like SIGTERM. And honcho kills whatever still runs
5 s after the first process stopped: Odoo can take longer to finish its requests, and
PostgreSQL and Redis wait for their clients (tools/run/shielded.sh), so it gets 15 s here.
"""

from __future__ import annotations

import os
import signal
import sys

from honcho import manager
from honcho.command import main

KILL_WAIT_S = 15  # tools/run/shielded.sh's waits (10 s) stay inside it


class TolerantOutput:
    """sys.stdout that stops writing, without raising, once its reader is gone."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self._gone = False

    def write(self, data: str) -> int:
        if not self._gone:
            try:
                self._stream.write(data)
            except OSError:  # BrokenPipeError, or EIO from a closed terminal
                self._gone = True
        return len(data)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except OSError:
                self._gone = True

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


if __name__ == "__main__":
    manager.KILL_WAIT = KILL_WAIT_S
    sys.stdout = TolerantOutput(sys.stdout)
    signal.signal(signal.SIGHUP, lambda *_: os.kill(os.getpid(), signal.SIGTERM))
    sys.exit(main(["start", *sys.argv[1:]]))
