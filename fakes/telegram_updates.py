"""How updates reach the bot: what users do (messages, button presses, member changes) queued
as updates, and the two ways the bot takes them, the getUpdates long poll and a webhook
(setWebhook, deleteWebhook, getWebhookInfo). A layer of FakeTelegram (fakes/telegram.py).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from typing import Any

import httpx
from aiogram.types import Update

from fakes.telegram_chats import MEMBER_FIELDS
from fakes.telegram_markup import BadRequest, utf16_length
from fakes.telegram_methods import TelegramMethods
from fakes.telegram_spec import Json

# What getUpdates and a webhook deliver when the bot names no allowed_updates: every kind but
# these (Bot API, getUpdates: "allowed_updates").
DEFAULT_UPDATES = frozenset(Update.model_fields) - {
    "update_id", "chat_member", "message_reaction", "message_reaction_count",
}  # fmt: skip
LONG_POLL_CAP = 1.0  # seconds: tests must not wait the bot's full polling timeout
WEBHOOK_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class TelegramUpdates(TelegramMethods):
    def __init__(self) -> None:
        super().__init__()
        self.allowed_updates: list[str] = []
        self.webhook: Json | None = None  # the parameters of the setWebhook in force
        self._updates: list[Json] = []
        self.delivered_at: dict[int, float] = {}  # update id -> first handed to getUpdates
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)

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

    # ----- getUpdates -----

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

    # ----- webhook -----

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
