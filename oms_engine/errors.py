"""One exception hierarchy for the engine, each error naming the field it is about."""

from __future__ import annotations


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


class InvalidInput(EngineError, ValueError):
    """Input that cannot be routed; ``path`` names the field, e.g. ``order.lines[2].quantity``."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
