"""Ozon's side of push notifications: the documented example of each type (tests/specs/
ozon_push.json, extracted from the Seller API document's push chapter), with the fields a test
sets, posted to the bot as Ozon does."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bot.ozon.transport import wire_time

SPEC = Path(__file__).resolve().parent.parent / "tests" / "specs" / "ozon_push.json"
EXAMPLES: dict[str, dict[str, Any]] = json.loads(SPEC.read_text(encoding="utf-8"))["messages"]


def push_message(kind: str, **fields: Any) -> dict[str, Any]:
    """The documented example of `kind` with `fields` set (datetimes as Ozon writes them); a
    field the documented message does not have is refused, so tests send what Ozon sends."""
    message = copy.deepcopy(EXAMPLES[kind])
    unknown = set(fields) - set(message)
    if unknown:
        raise KeyError(f"{kind} has no field {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        message[name] = wire_time(value) if isinstance(value, datetime) else value
    return message


def post(url: str, body: object, *, forwarded_for: str | None = None,
         raw: bytes | None = None) -> httpx.Response:  # fmt: skip
    """Posts a notification (or `raw` bytes) as Ozon does, JSON with its content type."""
    headers = {"Content-Type": "application/json"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    content = raw if raw is not None else json.dumps(body).encode()
    return httpx.post(url, content=content, headers=headers, timeout=10)
