"""Extract the slices of the Ozon and Telegram specs that the test suite validates against.

Run once after the specs change: ``python tests/specs/extract.py [SPECS_DIR]``.
The output is committed, so the suite never needs ``../shared`` at run time.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_SPECS_DIR = HERE.parents[2] / "shared" / "specs"

OZON_PATHS = (
    "/v4/posting/fbs/unfulfilled/list",
    "/v4/posting/fbs/list",
    "/v3/posting/fbs/get",
    "/v1/roles",
    "/v1/seller/info",
    "/v1/posting/fbs/cancel-reason",
    "/v2/posting/fbs/cancel",
    "/v1/chat/start",
    "/v1/chat/send/message",
    "/v3/chat/history",
    "/v1/posting/cutoff/set",
    "/v1/posting/fbs/timeslot/change-restrictions",
    "/v1/posting/fbs/timeslot/set",
    "/v2/warehouse/list",
    "/v1/rating/index/fbs/info",
    "/v2/fbs/posting/tracking-number/set",
    "/v2/fbs/posting/delivering",
    "/v2/fbs/posting/last-mile",
    "/v2/fbs/posting/delivered",
    "/v3/posting/multiboxqty/set",
    "/v2/posting/fbs/product/cancel",
    "/v4/posting/fbs/ship",
)

TELEGRAM_METHODS = (
    "getMe",
    "getUpdates",
    "deleteWebhook",
    "setWebhook",
    "getWebhookInfo",
    "setMyCommands",
    "setMyDescription",
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "deleteMessage",
    "answerCallbackQuery",
    "getChatMember",
    "getChatAdministrators",
    "sendPhoto",
    "sendDocument",
    "pinChatMessage",
    "unpinChatMessage",
    "getChat",
    "logOut",
    "close",
)

# Object types whose fields the fake checks inside parameters (keyboards, commands, options).
TELEGRAM_TYPES = (
    "InlineKeyboardMarkup",
    "InlineKeyboardButton",
    "BotCommand",
    "LinkPreviewOptions",
    "ReplyParameters",
)

# Validation keywords worth keeping; descriptions, examples and titles only add size.
SCHEMA_KEYWORDS = frozenset(
    {
        "type",
        "required",
        "enum",
        "format",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "uniqueItems",
        "default",
    }
)
SUBSCHEMA_KEYS = ("items", "additionalProperties", "not")
SUBSCHEMA_LIST_KEYS = ("allOf", "anyOf", "oneOf")

Schema = dict[str, Any]


def is_hint_pattern(pattern: str) -> bool:
    """Ozon puts human hints such as " YYYY-MM-DD" in `pattern`; no real value matches them."""
    return "YYYY" in pattern or "XXX" in pattern or pattern.startswith(" ")


class Inliner:
    def __init__(self, spec: Schema) -> None:
        self.spec = spec

    def resolve(self, ref: str) -> Schema:
        node: Any = self.spec
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return node

    def inline(self, schema: Schema, expanding: tuple[str, ...] = ()) -> Schema:
        if "$ref" in schema:
            ref = schema["$ref"]
            if ref in expanding:
                return {}  # a recursive type: accept anything below the cycle
            return self.inline(self.resolve(ref), (*expanding, ref))
        out: Schema = {}
        for key, value in schema.items():
            if key == "properties":
                out[key] = {name: self.inline(sub, expanding) for name, sub in value.items()}
            elif key in SUBSCHEMA_KEYS and isinstance(value, dict):
                out[key] = self.inline(value, expanding)
            elif key in SUBSCHEMA_LIST_KEYS:
                out[key] = [self.inline(sub, expanding) for sub in value]
            elif key == "pattern" and is_hint_pattern(value):
                continue
            elif key == "required" and not isinstance(value, list):
                continue  # OpenAPI-2-style `required: true` on a property is not JSON Schema
            elif key in SCHEMA_KEYWORDS or key in SUBSCHEMA_KEYS:
                out[key] = value
        if schema.get("nullable") and "type" in out:
            # OpenAPI 3.0 spells "may be null" as a flag jsonschema does not know.
            out["type"] = [out["type"], "null"]
        return out


def json_schema_of(inliner: Inliner, holder: Schema | None) -> Schema:
    if holder is None:
        return {"type": "object"}
    if "$ref" in holder:
        holder = inliner.resolve(holder["$ref"])
    return inliner.inline(holder["content"]["application/json"]["schema"])


def extract_ozon(spec: Schema) -> Schema:
    inliner = Inliner(spec)
    paths: Schema = {}
    for path in OZON_PATHS:
        operation = spec["paths"][path]["post"]
        paths[path] = {
            "request": json_schema_of(inliner, operation.get("requestBody")),
            "response": json_schema_of(inliner, operation["responses"]["200"]),
        }
    return {"paths": paths}


def telegram_fields(entry: Schema) -> Schema:
    return {
        field["name"]: {"types": field["types"], "required": field["required"]}
        for field in entry.get("fields", [])
    }


def extract_telegram(spec: Schema) -> Schema:
    methods, types = spec["methods"], spec["types"]
    return {
        "methods": {name: {"fields": telegram_fields(methods[name])} for name in TELEGRAM_METHODS},
        "types": {name: {"fields": telegram_fields(types[name])} for name in TELEGRAM_TYPES},
    }


# Ozon's push chapter has no schemas, only documented examples in the tags' text: these are
# what the fake Ozon sends (fakes/ozon_push.py). One example's message_type reads "string".
PUSH_EXAMPLE_TYPES = {"Stock change at the seller's warehouse": "TYPE_STOCKS_CHANGED"}
CODE_BLOCK = re.compile(r"```[a-z0-9]*\n(.*?)```", re.DOTALL)


def extract_push(spec: Schema) -> Schema:
    tags = {tag["name"]: tag.get("description", "") for tag in spec["tags"]}
    ping = json.loads(CODE_BLOCK.findall(tags["push_start"])[0])
    messages: Schema = {"TYPE_PING": ping | {"message_type": "TYPE_PING"}}
    for section in re.split(r"^## ", tags["push_types"], flags=re.MULTILINE)[1:]:
        title = section.splitlines()[0].strip()
        blocks = CODE_BLOCK.findall(section)
        if not blocks:
            continue
        example = json.loads(blocks[0])
        kind = PUSH_EXAMPLE_TYPES.get(title, example["message_type"])
        messages[kind] = example | {"message_type": kind}
    return {"messages": messages}


def write_json(path: Path, data: Schema) -> None:
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")


def main(argv: list[str]) -> None:
    specs_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_SPECS_DIR
    ozon = json.loads((specs_dir / "ozon-seller-openapi.json").read_text(encoding="utf-8"))
    telegram = json.loads((specs_dir / "telegram-bot-api.json").read_text(encoding="utf-8"))
    write_json(HERE / "ozon.json", extract_ozon(ozon))
    write_json(HERE / "telegram.json", extract_telegram(telegram))
    write_json(HERE / "ozon_push.json", extract_push(ozon))


if __name__ == "__main__":
    main(sys.argv)
