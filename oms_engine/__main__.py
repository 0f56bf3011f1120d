"""Command line: ``python -m oms_engine route|promise PROBLEM.json [--explain]``.

Prints an ``oms.plan/1`` (route) or ``oms.promise/1`` (promise) document on stdout, or with
``--explain`` the same decision as text. Bad input gives one line ``error: <field>: <message>``
on stderr and exit code 2; a missing or unreadable file exits 2 as well. Output into a pipe
whose reader went away ends quietly with status 141, as a shell reports a broken pipe.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from oms_engine.errors import InvalidInput
from oms_engine.jsonio import PLAN_SCHEMA, load_problem
from oms_engine.render import plan_to_json, plan_to_text, promise_to_json, promise_to_text
from oms_engine.sourcing import deplete, promise, route


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m oms_engine",
        description="Route orders or promise delivery dates from a JSON problem (oms.problem/1).",
    )
    parser.add_argument("command", choices=("route", "promise"))
    parser.add_argument("problem", help="path of the problem JSON file, or - for stdin")
    parser.add_argument("--explain", action="store_true", help="human-readable text")
    return parser


def run(argv: list[str] | None = None) -> tuple[int, str]:
    """Run the CLI; returns the exit code and what to print on stdout."""
    args = _parser().parse_args(argv)
    try:
        if args.problem == "-":
            text = sys.stdin.read()
        else:
            with open(args.problem, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as exc:
        raise InvalidInput("problem", f"cannot read {args.problem}: {exc.strerror}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput("problem", f"not JSON: {exc.msg} at line {exc.lineno}") from None
    except RecursionError:
        raise InvalidInput("problem", "JSON nested too deeply to read") from None
    problem = load_problem(doc)
    if args.command == "promise":
        if problem.promise is None:
            raise InvalidInput("promise", "is required for the promise command")
        request = problem.promise
        result = promise(
            problem.network,
            request.lines,
            request.destination,
            request.at,
            problem.stock,
            request.service_level,
        )
        if args.explain:
            return 0, promise_to_text(result)
        return 0, json.dumps(promise_to_json(result), indent=2, ensure_ascii=False)
    if not problem.orders:
        raise InvalidInput("order", "an order (or orders) is required for the route command")
    plans = []
    for order in problem.orders:
        # Orders are routed in sequence against the same stock, as in production.
        plan = route(problem.network, order, problem.stock)
        deplete(problem.stock, plan)
        plans.append(plan)
    if args.explain:
        return 0, "\n\n".join(plan_to_text(p) for p in plans)
    doc_out = {"schema": PLAN_SCHEMA, "plans": [plan_to_json(p) for p in plans]}
    return 0, json.dumps(doc_out, indent=2, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m oms_engine`` and of the ``oms-engine`` script."""
    try:
        code, out = run(argv)
    except InvalidInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        print(out)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`... | head`): nothing left to say to it. Point stdout at
        # the null device so the interpreter's last flush does not complain either, and end
        # with the status a shell gives a command a broken pipe stopped (128 + SIGPIPE).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return code


if __name__ == "__main__":
    sys.exit(main())
