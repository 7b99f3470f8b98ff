"""What FakeTelegram keeps of its chats: users, chats and their members, the messages in each
chat (sent, edited, deleted), callback answers, the bot's commands and descriptions. The base
of FakeTelegram (fakes/telegram.py); the methods that change it are fakes/telegram_methods.py.
"""

from __future__ import annotations

import time
from typing import Any

from aiogram.types import AcceptedGiftTypes, ChatMemberAdministrator, ChatMemberRestricted
from pydantic import BaseModel

from fakes._server import BackgroundServer
from fakes.telegram_markup import plain_text
from fakes.telegram_spec import Json

BOT_USER: Json = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Deadline Bot",
    "username": "deadline_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


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


def chat_type_of(chat_id: Any) -> str:
    if not isinstance(chat_id, int) or chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


class TelegramChats(BackgroundServer):
    def __init__(self) -> None:
        super().__init__()
        self.messages: dict[int | str, dict[int, Json]] = {}
        self.commands: dict[str, list[Json]] = {}
        self.descriptions: dict[str, str] = {}
        self.chat_members: dict[tuple[int | str, int], str] = {}
        self.callback_answers: dict[str, Json] = {}
        self._open_queries: set[str] = set()
        self._chats: dict[int | str, Json] = {}
        self._users: dict[int, Json] = {}

    # ----- helpers for tests -----

    def bot_messages(self, chat_id: int | str) -> list[Json]:
        """Every message the bot sent to the chat, deleted ones included, oldest first."""
        with self._lock:
            chat = self.messages.get(chat_id, {})
            return [dict(m) for _, m in sorted(chat.items()) if not m["from_user"]]

    def texts(self, chat_id: int | str) -> list[str]:
        """Current texts of the bot's undeleted messages, as sent (HTML tags included)."""
        return [m["text"] for m in self.bot_messages(chat_id) if not m["deleted"]]

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
