"""What Ozon accepts and how it answers: every request checked against tests/specs/ozon.json
(extracted from the official OpenAPI file) plus the rules Ozon enforces beyond the schema
(shared/DOMAIN.md §2), Ozon's timestamps and its error bodies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker

Json = dict[str, Any]
Reply = tuple[int, Json | str]

SPEC: dict[str, Json] = json.loads(
    (Path(__file__).resolve().parents[1] / "tests" / "specs" / "ozon.json").read_text(
        encoding="utf-8"
    )
)["paths"]

# Methods newer than our spec copy (April 2026), as Ozon documents them today (shared/DOMAIN.md
# §2a): the v2 stock method replaced v1, which Ozon switched off on 7 April 2026 and now
# answers like any unknown path.
_STOCK_LINE = {
    "type": "object",
    "properties": {
        "sku": {"type": "integer"},
        "offer_id": {"type": "string"},
        "product_id": {"type": "integer"},
        "warehouse_id": {"type": "integer"},
        "warehouse_name": {"type": "string"},
        "present": {"type": "integer"},
        "reserved": {"type": "integer"},
        "free_stock": {"type": "integer"},
    },
}
SPEC["/v2/product/info/stocks-by-warehouse/fbs"] = {
    "request": {
        "type": "object",
        "properties": {
            "sku": {"type": "array", "items": {"type": "string", "format": "int64"},
                    "maxItems": 1000},
            "offer_id": {"type": "array", "items": {"type": "string"}, "maxItems": 1000},
            "cursor": {"type": "string"},
            "limit": {"type": "integer", "minimum": 1, "maximum": 1000},
        },
        "required": ["limit"],
    },
    "response": {
        "type": "object",
        "properties": {
            "products": {"type": "array", "items": _STOCK_LINE},
            "cursor": {"type": "string"},
            "has_next": {"type": "boolean"},
        },
    },
}  # fmt: skip
SWITCHED_OFF = frozenset({"/v1/product/info/stocks-by-warehouse/fbs"})

RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time")
def is_rfc3339(value: object) -> bool:
    return not isinstance(value, str) or parse_time(value) is not None


@FORMATS.checks("int64")
def is_int64(value: object) -> bool:
    # Ozon's proto-JSON sends 64-bit ids as decimal strings; a string must still be a number.
    return not isinstance(value, str) or re.fullmatch(r"-?\d+", value, re.ASCII) is not None


@FORMATS.checks("uint64")
def is_uint64(value: object) -> bool:
    return not isinstance(value, str) or (value.isascii() and value.isdigit())


VALIDATORS = {
    path: Draft7Validator(schemas["request"], format_checker=FORMATS)
    for path, schemas in SPEC.items()
}


def parse_time(value: str) -> datetime | None:
    if not RFC3339.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value.upper())
    except ValueError:  # e.g. February 30th
        return None


def utc(moment: datetime) -> datetime:
    """Naive datetimes from tests are taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """Ozon's style: UTC with milliseconds and 'Z'."""
    moment = utc(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def error(code: int, message: str) -> Json:
    return {"code": code, "message": message, "details": []}


def undeclared_fields(value: Any, schema: Json, where: str = "") -> Iterator[str]:
    """No Ozon schema sets additionalProperties: false, so a misspelt field would slip through."""
    if isinstance(value, dict):
        if "additionalProperties" in schema or (
            schema.get("type") != "object" and "properties" not in schema
        ):
            return  # a map, or an untyped schema below a recursion cut
        declared = schema.get("properties", {})
        for key, item in value.items():
            name = f"{where}.{key}" if where else key
            if key in declared:
                yield from undeclared_fields(item, declared[key], name)
            else:
                yield name
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            yield from undeclared_fields(item, schema["items"], f"{where}[{index}]")


def window_problems(filter_: Json, start: str, end: str) -> list[str]:
    since, until = (parse_time(str(filter_.get(key, ""))) for key in (start, end))
    if since and until and since > until:
        return [f"filter.{start} is after filter.{end}"]
    return []


def unfulfilled_rules(body: Json) -> list[str]:
    filter_ = body.get("filter") or {}
    cutoff = [key for key in ("cutoff_from", "cutoff_to") if key in filter_]
    delivering = [key for key in ("delivering_date_from", "delivering_date_to") if key in filter_]
    if cutoff and delivering:
        return ["filter combines a cutoff window with a delivering_date window"]
    if len(cutoff) == 2:
        return window_problems(filter_, *cutoff)
    if len(delivering) == 2:
        return window_problems(filter_, *delivering)
    return ["filter needs cutoff_from and cutoff_to (or delivering_date_from and _to)"]


def list_rules(body: Json) -> list[str]:
    filter_ = body.get("filter") or {}
    since, until = (parse_time(str(filter_.get(key, ""))) for key in ("since", "to"))
    if since and until and not timedelta(0) <= until - since <= timedelta(days=365):
        return ["filter.since..filter.to must be ordered and at most one year apart"]
    return []


def cancel_rules(body: Json) -> list[str]:
    if body.get("cancel_reason_id") == 402 and not body.get("cancel_reason_message"):
        return ["cancel_reason_id 402 (other) requires cancel_reason_message"]
    return []


def chat_message_rules(body: Json) -> list[str]:
    if not 1 <= len(str(body.get("text", ""))) <= 1000:
        return ["text must be 1-1000 characters"]
    return []


def chat_history_rules(body: Json) -> list[str]:
    direction = body.get("direction", "Backward")
    if direction not in ("Forward", "Backward"):
        return ["direction must be Forward or Backward"]
    if direction == "Forward" and "from_message_id" not in body:
        return ["from_message_id is required for direction Forward"]
    if not 1 <= body.get("limit", 50) <= 1000:
        return ["limit must be 1-1000"]
    return []


# What Ozon enforces beyond the schema.
EXTRA_RULES: dict[str, Callable[[Json], list[str]]] = {
    "/v4/posting/fbs/unfulfilled/list": unfulfilled_rules,
    "/v4/posting/fbs/list": list_rules,
    "/v2/posting/fbs/cancel": cancel_rules,
    "/v1/chat/send/message": chat_message_rules,
    "/v3/chat/history": chat_history_rules,
}


def request_problems(path: str, body: Any) -> list[str]:
    if path not in SPEC:
        return [f"{path}: not a method the bot is expected to call"]
    if not isinstance(body, dict):
        return [f"{path}: the body is not a JSON object"]
    problems = [
        f"{path}: {'.'.join(map(str, failure.absolute_path)) or 'body'}: {failure.message}"
        for failure in VALIDATORS[path].iter_errors(body)
    ]
    problems += [
        f"{path}: {name} is not declared by the schema"
        for name in undeclared_fields(body, SPEC[path]["request"])
    ]
    rules = EXTRA_RULES.get(path)
    return problems + [f"{path}: {problem}" for problem in (rules(body) if rules else [])]
