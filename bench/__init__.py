"""Benchmarks of the OMS: `python -m bench [name ...] [--quick]`.

Every module `bench/<area>_bench.py` exposing `main(argv) -> int` is a benchmark;
`python -m bench engine` runs `bench/engine_bench.py` only. Results land in
docs/benchmarks.md, one marked section per benchmark (see `write_section`), so
each area rewrites its own figures without touching the others'.
"""

from __future__ import annotations

import datetime as _dt
import os
import platform
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS_MD = REPO_ROOT / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

`make bench` runs every benchmark (`python -m bench`); `python -m bench engine` runs one,
`--quick` a smaller smoke run that prints without writing here. Each section below is
rewritten by its benchmark between its markers, with the machine, versions, seed and command
it was measured with; text outside the markers is kept.
"""


def machine_summary() -> dict[str, str]:
    """CPU model, cores, Python version and git commit of this run, for the report header
    (``BENCH_COMMIT`` names the commit when running from an exported tree)."""
    cpu = platform.processor() or platform.machine()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = os.environ.get("BENCH_COMMIT", "")
    if not commit:
        try:
            commit = subprocess.run(
                ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
        except OSError:
            commit = ""
    return {
        "commit": commit or "unknown",
        "cpu": cpu,
        "cores": str(os.cpu_count() or 1),
        "python": platform.python_version(),
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def write_section(name: str, markdown: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace (or append) the section of benchmark `name` in docs/benchmarks.md.

    The section sits between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`;
    text outside the markers (other areas, the lead's prose) is kept as it is.
    """
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start}\n{markdown.rstrip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
