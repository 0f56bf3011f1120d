"""Run the benchmarks: `python -m bench [name ...] [--quick] [other flags]`.

Without names, every `bench/*_bench.py` module with a `main(argv) -> int` runs, in
alphabetical order. Flags are passed through to each benchmark's `main`.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

SUFFIX = "_bench"


def discover() -> dict[str, str]:
    """Benchmark name -> module name, for every `bench/<name>_bench.py`."""
    here = str(Path(__file__).resolve().parent)
    return {
        info.name[: -len(SUFFIX)]: f"bench.{info.name}"
        for info in sorted(pkgutil.iter_modules([here]), key=lambda i: i.name)
        if info.name.endswith(SUFFIX)
    }


def main(argv: list[str] | None = None) -> int:
    """Run the named benchmarks (all when none is named); non-zero if any failed."""
    argv = list(sys.argv[1:] if argv is None else argv)
    names = [a for a in argv if not a.startswith("-")]
    flags = [a for a in argv if a.startswith("-")]
    available = discover()
    if ("-h" in flags or "--help" in flags) and not names:
        print(__doc__)
        print("available:", ", ".join(available) or "(none)")
        return 0
    unknown = [n for n in names if n not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}")
        return 2
    failed = []
    for name in names or list(available):
        module = importlib.import_module(available[name])
        entry = getattr(module, "main", None)
        if not callable(entry):
            print(f"[bench] {name}: no main(argv), skipped")
            continue
        print(f"[bench] {name} ...", flush=True)
        started = time.perf_counter()
        rc = entry(list(flags))
        print(f"[bench] {name}: exit {rc} after {time.perf_counter() - started:.1f} s", flush=True)
        if rc:
            failed.append(name)
    if failed:
        print(f"[bench] failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
