"""A fake Telegram Bot API server that aiogram talks to through `TelegramAPIServer.from_base`.

Every call is checked against tests/specs/telegram.json (fakes/telegram_spec.py). Without files
aiogram posts application/x-www-form-urlencoded, with files multipart/form-data; either way
every value arrives as a string, and non-string values are JSON texts.

FakeTelegram is built in layers: the chats and the methods on them (fakes/telegram_chats.py),
the updates users make and how the bot takes them (fakes/telegram_updates.py), and here the
HTTP front, injected faults and the log of calls that tests look at.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from fakes.telegram_chats import BOT_USER, FULL_INFO
from fakes.telegram_markup import BadRequest, plain_text
from fakes.telegram_spec import METHOD_NAMES, METHODS, Json, call_problems
from fakes.telegram_updates import TelegramUpdates

__all__ = ["CHAT_WRITES", "FakeTelegram", "plain_text"]

TWO_POLLERS = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance"
    " is running"
)
POLL_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active;"
    " use deleteWebhook to delete the webhook first"
)

# The calls that write to a chat, counted against Telegram's per-chat and per-group limits.
CHAT_WRITES = frozenset({"sendMessage", "sendPhoto", "sendDocument", "copyMessage",
                         "forwardMessage", "editMessageText", "editMessageReplyMarkup",
                         "editMessageCaption"})  # fmt: skip


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


@dataclass
class Injection:
    method: str
    status: int
    description: str
    parameters: Json
    chat_id: int | str | None


class FakeTelegram(TelegramUpdates):
    def __init__(self, token: str = "123456:TEST") -> None:
        super().__init__()
        self.token = token
        self.clock: Callable[[], float] = time.monotonic  # when each call arrived ("at")
        self.sent: list[Json] = []
        self.violations: list[str] = []
        self._polling: dict[int, web.Request] = {}  # getUpdates requests in progress, by id
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
            problems = call_problems(method, params)
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
        elif method == "getUpdates" and self._another_poller():
            # Telegram's answer to a second poller at once; several replicas must poll as one.
            self.violations.append("getUpdates: two pollers at once")
            status, body = 409, {"ok": False, "error_code": 409, "description": TWO_POLLERS}
        elif method == "getUpdates":
            self._polling[id(request)] = request
            try:
                status, body = 200, {"ok": True, "result": await self._get_updates(params)}
            finally:
                self._polling.pop(id(request), None)
        else:
            status, body = self._call(method, attached(params, uploads))
        with self._lock:
            self.sent.append({"method": method, "params": params, "at": at, "status": status})
        return web.json_response(body, status=status)

    def _another_poller(self) -> bool:
        """A getUpdates in progress whose client is still connected (a killed process's long
        poll lingers here until it times out, but nobody waits for it)."""
        return any(
            poll.transport is not None and not poll.transport.is_closing()
            for poll in self._polling.values()
        )

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

    def _take_injection(self, method: str, params: Json) -> Injection | None:
        for injection in self._injections:
            if injection.method == method and injection.chat_id in (None, params.get("chat_id")):
                self._injections.remove(injection)
                return injection
        return None
