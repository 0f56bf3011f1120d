"""Fail when an addon's test module would be skipped by Odoo's own test runner.

Odoo runs only the test modules its ``tests/__init__.py`` imports; pytest-odoo (our runner)
collects every ``test_*.py`` file anyway, so a module left out of ``__init__`` passes here and
silently never runs in an OCA-style CI (``odoo-bin --test-enable``). Usage:
``python tools/check_test_modules.py addons`` (part of ``make lint``).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def imported_modules(init: Path) -> set[str]:
    """Names a package ``__init__.py`` imports relatively (``from . import a, b``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(init.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module is None:
                names.update(alias.name for alias in node.names)
            else:
                names.add(node.module.split(".")[0])
    return names


def has_tests(module: Path) -> bool:
    """Whether a module defines a test method (a ``test_*`` function inside a class)."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return any(
        isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name.startswith("test")
        for cls in ast.walk(tree)
        if isinstance(cls, ast.ClassDef)
        for item in cls.body
    )


def missing(addons: Path) -> list[Path]:
    """Test modules with tests that their ``tests/__init__.py`` does not import."""
    out = []
    for tests in sorted(addons.glob("*/tests")):
        init = tests / "__init__.py"
        imported = imported_modules(init) if init.exists() else set()
        out += [
            module
            for module in sorted(tests.glob("test_*.py"))
            if module.stem not in imported and has_tests(module)
        ]
    return out


def main(argv: list[str]) -> int:
    left_out = missing(Path(argv[0] if argv else "addons"))
    for module in left_out:
        print(f"{module}: not imported by {module.parent / '__init__.py'}; Odoo would skip it")
    return 1 if left_out else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
