"""A fake Telegram Bot API server that aiogram talks to through `TelegramAPIServer.from_base`.

Every call is checked against tests/specs/telegram.json plus the limits that the spec states
only in prose (text length, callback_data bytes, HTML tags). Without files aiogram posts
application/x-www-form-urlencoded, with files multipart/form-data; either way every value
arrives as a string, and non-string values are JSON texts.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
from aiogram.types import (
    AcceptedGiftTypes,
    ChatMemberAdministrator,
    ChatMemberRestricted,
    Update,
)
from aiohttp import web
from pydantic import BaseModel

from fakes._server import BackgroundServer

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
HTML_TAGS = frozenset(
    [
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    ]
)
HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
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
# What getUpdates and a webhook deliver when the bot names no allowed_updates: every kind but
# these (Bot API, getUpdates: "allowed_updates").
DEFAULT_UPDATES = frozenset(Update.model_fields) - {
    "update_id", "chat_member", "message_reaction", "message_reaction_count",
}  # fmt: skip
LONG_POLL_CAP = 1.0  # seconds: tests must not wait the bot's full polling timeout
WEBHOOK_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
POLL_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active;"
    " use deleteWebhook to delete the webhook first"
)

BOT_USER: Json = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Deadline Bot",
    "username": "deadline_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

# The calls that write to a chat, counted against Telegram's per-chat and per-group limits.
CHAT_WRITES = frozenset({"sendMessage", "sendPhoto", "sendDocument", "copyMessage",
                         "forwardMessage", "editMessageText", "editMessageReplyMarkup",
                         "editMessageCaption"})  # fmt: skip


def required_flags(model: type[BaseModel], value: bool) -> Json:
    """aiogram refuses a ChatMember that lacks any flag its version requires."""
    return {
        name: value
        for name, info in model.model_fields.items()
        if info.is_required() and info.annotation is bool
    }


# A scripted administrator may do all but promote; a restricted member may do nothing.
MEMBER_FIELDS: dict[str, Json] = {
    "creator": {"is_anonymous": False},
    "administrator": required_flags(ChatMemberAdministrator, True)
    | {"can_be_edited": False, "is_anonymous": False, "can_promote_members": False},
    "member": {},
    "restricted": required_flags(ChatMemberRestricted, False)
    | {"is_member": True, "until_date": 0},
    "left": {},
    "kicked": {"until_date": 0},
}
# getChat answers a ChatFullInfo, which needs these beyond the Chat itself.
FULL_INFO: Json = {
    "accent_color_id": 0,
    "max_reaction_count": 11,
    "accepted_gift_types": required_flags(AcceptedGiftTypes, False),
}


class BadRequest(Exception):
    """A call Telegram itself would refuse; the text follows "Bad Request: "."""


class EntityParser(HTMLParser):
    """Telegram's HTML subset: whitelisted, balanced tags and four named entities."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_TAGS:
            raise BadRequest(f'can\'t parse entities: Unsupported start tag "{tag}"')
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise BadRequest(f'can\'t parse entities: Unsupported start tag "{tag}"')

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            raise BadRequest(f'can\'t parse entities: Unexpected end tag "{tag}"')
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data:
            raise BadRequest("can't parse entities: unescaped '<' in text")
        self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in HTML_ENTITIES:
            raise BadRequest(f'can\'t parse entities: Unsupported HTML entity "&{name};"')
        self.parts.append(HTML_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        self.parts.append(chr(int(name[1:], 16) if name[:1] in "xX" else int(name)))


def plain_text(text: str, parse_mode: str | None) -> str:
    """The text a user sees; only HTML is parsed, other modes are taken as they are."""
    if (parse_mode or "").upper() != "HTML":
        return text
    parser = EntityParser()
    parser.feed(text)
    parser.close()
    if parser.open:
        tag = parser.open[-1]
        raise BadRequest(f"can't parse entities: Can't find end tag for start tag \"{tag}\"")
    return "".join(parser.parts)


def utf16_length(text: str) -> int:
    # Telegram counts UTF-16 code units: an emoji outside the BMP counts twice.
    return len(text.encode("utf-16-le")) // 2


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


def decode(value: str, types: list[str]) -> Any:
    """Undo aiogram's encoding: a field that may be a non-string was sent as JSON text."""
    if types == ["String"]:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def attached(params: Json, uploads: dict[str, Json]) -> Json:
    """The parameters with each "attach://<part>" replaced by that part's upload."""
    return {
        name: uploads.get(value.removeprefix("attach://"), value)
        if isinstance(value, str) and value.startswith("attach://")
        else value
        for name, value in params.items()
    }


def chat_type_of(chat_id: Any) -> str:
    if not isinstance(chat_id, int) or chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


@dataclass
class Injection:
    method: str
    status: int
    description: str
    parameters: Json
    chat_id: int | str | None


class FakeTelegram(BackgroundServer):
    def __init__(self, token: str = "123456:TEST") -> None:
        super().__init__()
        self.token = token
        self.clock: Callable[[], float] = time.monotonic  # when each call arrived ("at")
        self.sent: list[Json] = []
        self.violations: list[str] = []
        self.messages: dict[int | str, dict[int, Json]] = {}
        self.commands: dict[str, list[Json]] = {}
        self.descriptions: dict[str, str] = {}
        self.chat_members: dict[tuple[int | str, int], str] = {}
        self.callback_answers: dict[str, Json] = {}
        self.allowed_updates: list[str] = []
        self.webhook: Json | None = None  # the parameters of the setWebhook in force
        self._updates: list[Json] = []
        self.delivered_at: dict[int, float] = {}  # update id -> first handed to getUpdates
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._open_queries: set[str] = set()
        self._chats: dict[int | str, Json] = {}
        self._users: dict[int, Json] = {}
        self._injections: list[Injection] = []
        self._methods: dict[str, Callable[[Json], Any]] = {
            "getMe": lambda params: BOT_USER,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._webhook_info,
            "setMyCommands": self._set_commands,
            "setMyDescription": self._set_description,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "editMessageText": self._edit_text,
            "editMessageReplyMarkup": self._edit_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback,
            "getChatMember": lambda params: self._member(params["chat_id"], params["user_id"]),
            "getChatAdministrators": self._administrators,
            "getChat": lambda params: self._chat(params["chat_id"]) | FULL_INFO,
            "pinChatMessage": lambda params: True,
            "unpinChatMessage": lambda params: True,
            "logOut": lambda params: True,
            "close": lambda params: True,
        }

    # ----- updates from users -----

    def user_message(self, chat_id: int, text: str, **details: Any) -> int:
        """Queue a message from a user for getUpdates (`details` as for `message_update`);
        returns its message_id."""
        update = self.message_update(chat_id, text, **details)
        with self._lock:
            self._updates.append(update)
        return int(update["message"]["message_id"])

    def message_update(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        language_code: str = "en",
        first_name: str = "Alice",
        username: str = "alice",
        message_thread_id: int | None = None,
    ) -> Json:
        """The update of a message from a user, not queued: for `deliver_via_webhook`."""
        user = self._user(chat_id, user_id, chat_type, first_name, username, language_code)
        with self._lock:
            chat = self._remember_chat(chat_id, chat_type, user, message_thread_id is not None)
            message = self._store(chat_id, text, None, message_thread_id, from_user=True)
            payload: Json = {
                "message_id": message["message_id"],
                "date": message["date"],
                "chat": chat,
                "from": user,
                "text": text,
            }
            if text.startswith("/"):
                command = text.split(maxsplit=1)[0]
                payload["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_length(command)}
                ]
            if message_thread_id is not None:
                payload.update(message_thread_id=message_thread_id, is_topic_message=True)
            return {"update_id": next(self._update_ids), "message": payload}

    def deliver_via_webhook(self, update: Json, secret: str | None) -> int:
        """POST `update` to the registered webhook as Telegram does; returns the HTTP status.

        `secret` goes in X-Telegram-Bot-Api-Secret-Token (None: no header), so a test can
        also play a stranger who knows the URL but not the secret.
        """
        with self._lock:
            if self.webhook is None:
                raise AssertionError("no webhook is set")
            url = self.webhook["url"]
            allowed = list(self.allowed_updates)
        if allowed and not update.keys() & set(allowed):
            raise AssertionError(f"the webhook does not take {sorted(update)} (only {allowed})")
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        # Outside the lock: the bot answers the update by calling this fake back.
        return httpx.post(url, json=update, headers=headers, timeout=10).status_code

    def press(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        force: bool = False,
    ) -> str:
        """Queue a button press on a bot message; returns the callback query id.

        Fails when the message shows no such button, unless `force` (a stale keyboard).
        """
        user = self._user(chat_id, user_id, chat_type, "Alice", "alice", "en")
        with self._lock:
            message = self.messages.get(chat_id, {}).get(message_id)
            if message is None or message["deleted"] or message["from_user"]:
                raise AssertionError(f"no bot message {message_id} in chat {chat_id} to press")
            buttons = (message["reply_markup"] or {}).get("inline_keyboard", [])
            offered = {b.get("callback_data") for row in buttons for b in row}
            if callback_data not in offered and not force:
                raise AssertionError(f"message {message_id} offers no button {callback_data!r}")
            query_id = str(next(self._query_ids))
            self._open_queries.add(query_id)
            self._updates.append(
                {
                    "update_id": next(self._update_ids),
                    "callback_query": {
                        "id": query_id,
                        "from": user,
                        "message": self._message_object(chat_id, message),
                        "chat_instance": str(chat_id),
                        "data": callback_data,
                    },
                }
            )
            return query_id

    def member_update(self, chat_id: int, user_id: int, status: str, old: str = "member") -> None:
        """A member's status changed (promoted, demoted, left): Telegram sends `chat_member`
        only to a bot that is an admin there and names it in allowed_updates."""
        user = self._user(chat_id, user_id, "supergroup", "Alice", "alice", "en")
        with self._lock:
            self.chat_members[(chat_id, user_id)] = status
            self._updates.append(
                {
                    "update_id": next(self._update_ids),
                    "chat_member": {
                        "chat": self._chat(chat_id),
                        "from": user,
                        "date": int(time.time()),
                        "old_chat_member": {"status": old, "user": user},
                        "new_chat_member": {
                            "status": status,
                            "user": user,
                            **MEMBER_FIELDS[status],
                        },
                    },
                }
            )

    def take_updates(self) -> list[Json]:
        """The queued updates, removed from the queue: for a dispatcher fed in-process."""
        with self._lock:
            taken, self._updates = self._updates, []
        return taken

    @property
    def last_update_id(self) -> int:
        """The id of the update queued last."""
        with self._lock:
            return int(self._updates[-1]["update_id"])

    # ----- faults and helpers for tests -----

    def inject(
        self,
        method: str,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        times: int = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """Fail the next `times` calls of `method` (to `chat_id` only, if given)."""
        parameters: Json = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        with self._lock:
            self._injections += [
                Injection(method, status, description, parameters, chat_id) for _ in range(times)
            ]

    def summary(self) -> str:
        with self._lock:
            lines = [
                f"{call['status']} {call['method']} {str(call['params'])[:300]}"
                for call in self.sent
                if call["method"] != "getUpdates"  # polling would bury the calls that matter
            ]
            lines += [f"violation: {violation}" for violation in self.violations]
        return "\n".join(lines) or "no calls"

    def bot_messages(self, chat_id: int | str) -> list[Json]:
        """Every message the bot sent to the chat, deleted ones included, oldest first."""
        with self._lock:
            chat = self.messages.get(chat_id, {})
            return [dict(m) for _, m in sorted(chat.items()) if not m["from_user"]]

    def texts(self, chat_id: int | str) -> list[str]:
        """Current texts of the bot's undeleted messages, as sent (HTML tags included)."""
        return [m["text"] for m in self.bot_messages(chat_id) if not m["deleted"]]

    def calls_to(self, method: str) -> list[Json]:
        with self._lock:
            return [call for call in self.sent if call["method"] == method]

    def limit_breaches(
        self, chat_id: int, *, per_chat: float = 1.0, group_limit: int = 20,
        group_window: float = 60.0, slack: float = 0.0,
    ) -> list[str]:  # fmt: skip
        """Where the writes to one chat broke Telegram's limits: two within `per_chat` seconds,
        or more than `group_limit` within `group_window` (a group). `slack` forgives the trip
        from the bot's pacer to here."""
        with self._lock:
            stamps = sorted(call["at"] for call in self.sent
                            if call["method"] in CHAT_WRITES and call["status"] == 200
                            and call["params"].get("chat_id") == chat_id)  # fmt: skip
        breaches = [f"{b - a:.3f} s apart" for a, b in itertools.pairwise(stamps)
                    if b - a < per_chat - slack]  # fmt: skip
        if chat_id < 0:
            for i, start in enumerate(stamps):
                inside = [at for at in stamps[i:] if at < start + group_window - slack]
                if len(inside) > group_limit:
                    breaches.append(f"{len(inside)} within {group_window} s of {start:.3f}")
        return breaches

    # ----- HTTP -----

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=50 * 2**20)  # Telegram takes photos up to 10 MB
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.Response:
        at = self.clock()
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = METHOD_NAMES.get(request.match_info["method"].lower())
        if method is None:
            return self._error(404, "Not Found: method not found")
        params, uploads = await self._params(request, METHODS[method]["fields"])
        with self._lock:
            problems = self._problems(method, params)
            self.violations += [f"{method}: {problem}" for problem in problems]
            injection = self._take_injection(method, params)
        if injection is not None:
            status = injection.status
            body: Json = {"ok": False, "error_code": status, "description": injection.description}
            if injection.parameters:
                body["parameters"] = injection.parameters
        elif problems:
            status, body = 400, self._bad_request_body(problems[0])
        elif method == "getUpdates" and self.webhook is not None:
            status, body = 409, {"ok": False, "error_code": 409, "description": POLL_CONFLICT}
        elif method == "getUpdates":
            status, body = 200, {"ok": True, "result": await self._get_updates(params)}
        else:
            status, body = self._call(method, attached(params, uploads))
        with self._lock:
            self.sent.append({"method": method, "params": params, "at": at, "status": status})
        return web.json_response(body, status=status)

    def _call(self, method: str, params: Json) -> tuple[int, Json]:
        with self._lock:
            try:
                return 200, {"ok": True, "result": self._methods[method](params)}
            except BadRequest as refusal:
                return 400, self._bad_request_body(str(refusal))

    async def _params(self, request: web.Request, fields: Json) -> tuple[Json, dict[str, Json]]:
        """The call's parameters, and its file parts by part name."""
        if request.content_type == "application/json":
            return dict(await request.json()), {}
        form = {**request.query, **await request.post()}
        params = {
            name: decode(value, fields.get(name, {}).get("types", []))
            for name, value in form.items()
            if isinstance(value, str)
        }
        # A file part is no parameter: a field names it as "attach://<part>".
        uploads = {
            name: {"filename": value.filename, "content": value.file.read()}
            for name, value in form.items()
            if isinstance(value, web.FileField)
        }
        return params, uploads

    @staticmethod
    def _error(status: int, description: str) -> web.Response:
        body = {"ok": False, "error_code": status, "description": description}
        return web.json_response(body, status=status)

    @staticmethod
    def _bad_request_body(problem: str) -> Json:
        return {"ok": False, "error_code": 400, "description": f"Bad Request: {problem}"}

    def _problems(self, method: str, params: Json) -> list[str]:
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

    def _take_injection(self, method: str, params: Json) -> Injection | None:
        for injection in self._injections:
            if injection.method == method and injection.chat_id in (None, params.get("chat_id")):
                self._injections.remove(injection)
                return injection
        return None

    async def _get_updates(self, params: Json) -> list[Json]:
        deadline = time.monotonic() + min(float(params.get("timeout", 0)), LONG_POLL_CAP)
        while True:
            with self._lock:
                # An offset confirms every update before it, as on the real server.
                offset = params.get("offset", 0)
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if "allowed_updates" in params:
                    self.allowed_updates = list(params["allowed_updates"])
                wanted = [
                    update
                    for update in self._updates
                    if update.keys() & set(self.allowed_updates or DEFAULT_UPDATES)
                ]
                if wanted or time.monotonic() >= deadline:
                    now = time.monotonic()
                    for update in wanted[: params.get("limit", 100)]:
                        self.delivered_at.setdefault(update["update_id"], now)
                    return wanted[: params.get("limit", 100)]
            await asyncio.sleep(0.02)

    # ----- state -----

    def _user(
        self,
        chat_id: int,
        user_id: int | None,
        chat_type: str,
        first_name: str,
        username: str,
        language_code: str,
    ) -> Json:
        if user_id is None:
            if chat_type != "private":
                raise ValueError("pass user_id for a message or press in a group")
            user_id = chat_id
        with self._lock:
            return self._users.setdefault(
                user_id,
                {
                    "id": user_id,
                    "is_bot": False,
                    "first_name": first_name,
                    "username": username,
                    "language_code": language_code,
                },
            )

    def _remember_chat(self, chat_id: int | str, chat_type: str, user: Json, forum: bool) -> Json:
        chat: Json = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat.update(first_name=user["first_name"], username=user["username"])
        else:
            chat["title"] = "Test group"
        if forum:
            chat["is_forum"] = True
        return self._chats.setdefault(chat_id, chat)

    def _chat(self, chat_id: int | str) -> Json:
        return self._chats.get(chat_id) or {"id": chat_id, "type": chat_type_of(chat_id)}

    def _store(
        self,
        chat_id: int | str,
        text: str,
        reply_markup: Json | None,
        message_thread_id: int | None,
        *,
        from_user: bool = False,
        parse_mode: str | None = None,
        reply_to: int | None = None,
        document: Json | None = None,
    ) -> Json:
        chat = self.messages.setdefault(chat_id, {})
        message = {
            "message_id": max(chat, default=0) + 1,
            "date": int(time.time()),
            "text": text,
            "parse_mode": parse_mode,
            "reply_markup": reply_markup,
            "message_thread_id": message_thread_id,
            "edits": 0,
            "deleted": False,
            "from_user": from_user,
            "reply_to": reply_to,
            "document": document,
        }
        chat[message["message_id"]] = message
        return message

    def _message_object(self, chat_id: int | str, message: Json) -> Json:
        result: Json = {
            "message_id": message["message_id"],
            "date": message["date"],
            "chat": self._chat(chat_id),
            "from": BOT_USER,
        }
        shown = plain_text(message["text"], message["parse_mode"])
        document = message["document"]
        if document is None:
            result["text"] = shown
        else:
            if shown:
                result["caption"] = shown
            file_id = f"document-{chat_id}-{message['message_id']}"
            result["document"] = {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_name": document["filename"],
            }
        if message["reply_markup"]:
            result["reply_markup"] = message["reply_markup"]
        if message["message_thread_id"] is not None:
            result["message_thread_id"] = message["message_thread_id"]
        if message["edits"]:
            result["edit_date"] = int(time.time())
        return result

    def _member(self, chat_id: int | str, user_id: int) -> Json:
        status = self.chat_members.get((chat_id, user_id), "member")
        user = self._users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": "User"}
        return {"status": status, "user": user, **MEMBER_FIELDS[status]}

    # ----- methods -----

    def _delete_webhook(self, params: Json) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = None
        return True

    def _set_webhook(self, params: Json) -> bool:
        url = params["url"]
        if not url:  # an empty URL removes the webhook
            return self._delete_webhook(params)
        # The real server wants https; plain http to this machine stands in for a test's bot.
        if not url.startswith(("https://", "http://127.0.0.1:", "http://localhost:")):
            raise BadRequest("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not WEBHOOK_SECRET_TOKEN.match(secret):
            raise BadRequest("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if "allowed_updates" in params:
            self.allowed_updates = list(params["allowed_updates"])
        self.webhook = dict(params)
        return True

    def _webhook_info(self, params: Json) -> Json:
        if self.webhook is None:
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        info: Json = {
            "url": self.webhook["url"],
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }
        if self.allowed_updates:
            info["allowed_updates"] = list(self.allowed_updates)
        return info

    def _set_commands(self, params: Json) -> bool:
        self.commands[params.get("language_code", "")] = params["commands"]
        return True

    def _set_description(self, params: Json) -> bool:
        self.descriptions[params.get("language_code", "")] = params.get("description", "")
        return True

    def _send_message(self, params: Json) -> Json:
        return self._send(params, params["text"])

    def _send_photo(self, params: Json) -> Json:
        result = self._send(params, params.get("caption", ""))
        result["photo"] = [{"file_id": "photo", "file_unique_id": "photo", "width": 1, "height": 1}]
        # The uploaded picture (filename, content), for tests to look at.
        self.messages[params["chat_id"]][result["message_id"]]["photo"] = params["photo"]
        return result

    def _send_document(self, params: Json) -> Json:
        document = params["document"]
        if not isinstance(document, dict):  # a file_id or URL: the fake keeps no such files
            raise BadRequest("wrong file identifier/HTTP URL specified")
        return self._send(params, params.get("caption", ""), document=document)

    def _send(self, params: Json, text: str, document: Json | None = None) -> Json:
        chat_id = params["chat_id"]
        message = self._store(
            chat_id,
            text,
            params.get("reply_markup"),
            params.get("message_thread_id"),
            parse_mode=params.get("parse_mode"),
            reply_to=self._reply_target(params),
            document=document,
        )
        return self._message_object(chat_id, message)

    def _reply_target(self, params: Json) -> int | None:
        # reply_to_message_id and allow_sending_without_reply only pass validation where the
        # spec still declares them; reply_parameters supersedes both.
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id", params.get("reply_to_message_id"))
        if message_id is None:
            return None
        target = self.messages.get(reply.get("chat_id", params["chat_id"]), {}).get(message_id)
        if target is None or target["deleted"]:
            if reply.get("allow_sending_without_reply", params.get("allow_sending_without_reply")):
                return None
            raise BadRequest("message to be replied not found")
        return int(message_id)

    def _editable(self, params: Json) -> Json:
        message = self.messages.get(params.get("chat_id", ""), {}).get(params.get("message_id", 0))
        if message is None or message["deleted"]:
            raise BadRequest("message to edit not found")
        if message["from_user"]:
            raise BadRequest("message can't be edited")
        return message

    def _edit_text(self, params: Json) -> Json:
        if self._editable(params)["document"] is not None:
            raise BadRequest("there is no text in the message to edit")
        # Telegram drops the keyboard when an edit does not repeat it.
        return self._edit(
            params,
            text=params.get("text", ""),
            parse_mode=params.get("parse_mode"),
            reply_markup=params.get("reply_markup"),
        )

    def _edit_markup(self, params: Json) -> Json:
        return self._edit(params, reply_markup=params.get("reply_markup"))

    def _edit(self, params: Json, **new: Any) -> Json:
        message = self._editable(params)
        if all(message[key] == value for key, value in new.items() if key != "parse_mode"):
            raise BadRequest(
                "message is not modified: specified new message content and reply markup are"
                " exactly the same as a current content and reply markup of the message"
            )
        message.update(new, edits=message["edits"] + 1)
        return self._message_object(params["chat_id"], message)

    def _delete_message(self, params: Json) -> bool:
        message = self.messages.get(params["chat_id"], {}).get(params["message_id"])
        if message is None or message["deleted"]:
            raise BadRequest("message to delete not found")
        message["deleted"] = True
        return True

    def _answer_callback(self, params: Json) -> bool:
        query_id = params["callback_query_id"]
        if query_id not in self._open_queries:  # never issued, or answered already
            raise BadRequest("query is too old and response timeout expired or query ID is invalid")
        self._open_queries.remove(query_id)
        self.callback_answers[query_id] = params
        return True

    def _administrators(self, params: Json) -> list[Json]:
        chat_id = params["chat_id"]
        return [
            self._member(chat, user)
            for (chat, user), status in self.chat_members.items()
            if chat == chat_id and status in ("creator", "administrator")
        ]
