"""Import aiogram with its Telegram types validated by schemas built on first use.

aiogram declares its ~450 types with pydantic's `defer_build`, then defeats it: the end of
`aiogram/types/__init__.py` calls `model_rebuild` on every type to resolve forward references,
and each rebuild inlines the whole tree of nested types again. That is 3 s and 100 MB of a
start-up (aiogram/aiogram#1876). Here the rebuilds are skipped and the names they would have
resolved are put into each type module instead, so any type builds itself, on first use, from
its own module; the bot uses a few dozen types and methods.
"""

from __future__ import annotations

import sys

from pydantic import BaseModel

TYPE_MODULES = ("aiogram.types.", "aiogram.methods.")


def import_aiogram() -> None:
    """Import aiogram lazily-built, unless something imported it already (then nothing to do)."""
    if "aiogram" in sys.modules:
        return
    rebuild = BaseModel.__dict__["model_rebuild"]

    def skip_type_rebuild(cls: type[BaseModel], /, **kwargs: object) -> bool | None:
        if cls.__module__.startswith(TYPE_MODULES[0]) and "_types_namespace" in kwargs:
            return None
        rebuilt: bool | None = rebuild.__func__(cls, **kwargs)
        return rebuilt

    BaseModel.model_rebuild = classmethod(skip_type_rebuild)  # type: ignore[method-assign,assignment]
    try:
        import aiogram  # noqa: F401
        import aiogram.types as types
    finally:
        BaseModel.model_rebuild = rebuild  # type: ignore[method-assign]
    names = {name: getattr(types, name) for name in types.__all__}
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith(TYPE_MODULES):
            for name, value in names.items():
                module.__dict__.setdefault(name, value)
