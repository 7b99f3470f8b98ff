"""What a Bot API call must look like: its parameters checked against tests/specs/telegram.json
plus the limits that the spec states only in prose (text length, callback_data bytes, one
action per button, HTML tags), each problem worded as Telegram's "Bad Request: " would be.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fakes.telegram_markup import BadRequest, plain_text, utf16_length

Json = dict[str, Any]

SPEC: Json = json.loads(
    (Path(__file__).resolve().parents[1] / "tests" / "specs" / "telegram.json").read_text(
        encoding="utf-8"
    )
)
METHODS: dict[str, Json] = SPEC["methods"]
TYPES: dict[str, Json] = SPEC["types"]
METHOD_NAMES = {name.lower(): name for name in METHODS}  # Telegram ignores the case

SCALARS: dict[str, Callable[[Any], bool]] = {
    "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "String": lambda v: isinstance(v, str),
    "Boolean": lambda v: isinstance(v, bool),
    "InputFile": lambda v: isinstance(v, str),  # "attach://<part>" once decoded
}
BUTTON_ACTIONS = frozenset(TYPES["InlineKeyboardButton"]["fields"]) - {
    "text",
    "icon_custom_emoji_id",
    "style",
}
# Lengths after entity parsing, (method, field) -> (min, max); the spec states them in prose.
LENGTH_LIMITS = {
    ("sendMessage", "text"): (1, 4096),
    ("editMessageText", "text"): (1, 4096),
    ("sendPhoto", "caption"): (0, 1024),
    ("sendDocument", "caption"): (0, 1024),
    ("answerCallbackQuery", "text"): (0, 200),
}
# Still accepted by Telegram but gone from the spec; aiogram sends disable_web_page_preview
# whenever DefaultBotProperties(link_preview_is_disabled=...) is set.
DEPRECATED_FIELDS = {
    "disable_web_page_preview": "link_preview_options",
    "reply_to_message_id": "reply_parameters",
    "allow_sending_without_reply": "reply_parameters",
}


def value_problems(value: Any, types: list[str], where: str) -> list[str]:
    for type_name in types:
        if type_name.startswith("Array of ") and isinstance(value, list):
            item_type = [type_name.removeprefix("Array of ")]
            return [
                problem
                for index, item in enumerate(value)
                for problem in value_problems(item, item_type, f"{where}[{index}]")
            ]
        if type_name in SCALARS and SCALARS[type_name](value):
            return []
        if type_name in TYPES and isinstance(value, dict):
            fields = TYPES[type_name]["fields"]
            required = {name for name, spec in fields.items() if spec["required"]}
            # In a union (reply_markup) the value is the type whose required fields it has.
            if len(types) == 1 or required <= value.keys():
                return field_problems(value, fields, where)
    objects = [t for t in types if t not in SCALARS and not t.startswith("Array of ")]
    if objects and isinstance(value, dict):
        return []  # an object type the extract does not describe
    return [f"{where} must be {' or '.join(types)}"]


def field_problems(params: Json, fields: Json, where: str) -> list[str]:
    problems = [
        f"{where}.{name} is required"
        for name, spec in fields.items()
        if spec["required"] and name not in params
    ]
    for name, value in params.items():
        if name in DEPRECATED_FIELDS and name not in fields:
            problems.append(f"{where}.{name} is deprecated: use {DEPRECATED_FIELDS[name]}")
        elif name not in fields:
            problems.append(f"{where}.{name} is not a declared field")
        else:
            problems += value_problems(value, fields[name]["types"], f"{where}.{name}")
    return problems


def keyboard_problems(markup: Any) -> list[str]:
    if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
        return []
    problems = []
    for row in markup["inline_keyboard"]:
        for button in row if isinstance(row, list) else ():
            if not isinstance(button, dict):
                continue
            actions = BUTTON_ACTIONS & button.keys()
            if len(actions) != 1:
                problems.append(f"button {button.get('text')!r} needs exactly one action")
            data = button.get("callback_data")
            if isinstance(data, str) and not 1 <= len(data.encode()) <= 64:
                problems.append(f"BUTTON_DATA_INVALID: callback_data {data!r} is not 1-64 bytes")
    return problems


def call_problems(method: str, params: Json) -> list[str]:
    problems = field_problems(params, METHODS[method]["fields"], method)
    problems = [p.removeprefix(f"{method}.") for p in problems]
    problems += keyboard_problems(params.get("reply_markup"))
    for (limited, key), (low, high) in LENGTH_LIMITS.items():
        if limited != method or not isinstance(params.get(key), str):
            continue
        try:
            length = utf16_length(plain_text(params[key], params.get("parse_mode")).strip())
        except BadRequest as refusal:
            problems.append(str(refusal))
            continue
        if length < low:
            problems.append(f"message {key} is empty")
        elif length > high:
            problems.append(f"message {key} is too long: {length} > {high} characters")
    return problems
