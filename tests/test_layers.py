"""The arrows run one way (README "The layers"): every import between the project's packages is
read from the source and checked against the drawing."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
TOP = {"bot.__main__", "bot.app", "bot.check", "bot.migrate"}  # composition root and commands
FLOWS = {"bot.services", "bot.actions", "bot.watch", "bot.views", "bot.push"}
BASE = {"bot.core", "bot.ozon", "storage", "bot.telegram", "bot.i18n", "bot.security",
        "bot.clock", "bot.config", "bot.perf"}  # fmt: skip


def package_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "bot" and len(parts) > 1 else parts[0]


def imports() -> Iterator[tuple[str, str, str]]:
    """(module, its package, the package of what it imports) for every import of our code."""
    for base in ("bot", "handlers", "storage"):
        for path in sorted((ROOT / base).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    continue
                for name in names:
                    yield module, package_of(module), name


def test_every_package_is_on_the_drawing() -> None:
    packages = {source for _, source, _ in imports()} - {"bot.__init__"}
    assert packages <= TOP | FLOWS | BASE | {"handlers"}


def test_nothing_below_imports_what_is_above_it() -> None:
    wrong = []
    for module, source, name in imports():
        target = package_of(name)
        if source in BASE and target in FLOWS | TOP | {"handlers"}:
            wrong.append((module, name))
        if source in FLOWS and target in TOP | {"handlers"}:
            wrong.append((module, name))
        if source == "bot.views" and target in FLOWS - {"bot.views"}:
            wrong.append((module, name))  # every flow draws with the views: they use none
        if target == "handlers" and source not in {"handlers", "bot.app"}:
            wrong.append((module, name))  # only the composition root knows the routers
        if source == "bot.ozon" and target == "bot.core":
            wrong.append((module, name))  # the rules read Ozon's models, never the other way
    assert wrong == []


def test_core_imports_neither_aiogram_nor_storage() -> None:
    wrong = [
        (module, name)
        for module, source, name in imports()
        if source == "bot.core" and name.split(".")[0] in ("aiogram", "storage", "httpx")
    ]
    assert wrong == []
