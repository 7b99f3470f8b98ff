"""Chat settings services."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.chat_rules import (
    InvalidSetting,
    parse_clock,
    parse_contacts,
    parse_count,
    parse_leads,
    parse_minutes,
    parse_permission,
    parse_quiet_hours,
)
from bot.clock import utcnow
from bot.i18n import LANGUAGES
from bot.permissions import authorise
from bot.timezones import valid_timezone
from storage import Database
from storage import chats as chats_db
from storage import stores as stores_db

# (chat, user, owners of the stores linked to the chat, sender_chat) -> role
ChatRoleOf = Callable[[int, int, set[int], int | None], Awaitable[str]]
SETTING_NAMES = ("timezone", "language", "leads", "quiet", "threshold", "escalation", "contacts",
                 "repeat", "digest", "permissions")  # fmt: skip


async def _private_chat_role(
    chat_id: int, user_id: int, owners: set[int], sender_chat_id: int | None
) -> str:
    return "owner" if chat_id == user_id else "stranger"


class ChatService:
    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], datetime] = utcnow,
        chat_role: ChatRoleOf = _private_chat_role,
    ):
        self._db = db
        self._clock = clock
        self._chat_role = chat_role

    async def authorise(
        self, chat_id: int, user_id: int, operation: str, sender_chat_id: int | None = None
    ) -> None:
        """Raises NotAllowed unless the user may do `operation` to this chat's settings."""
        linked = await stores_db.stores_in_chat(self._db, chat_id)
        owners = {store.owner_user_id for store in linked}
        role = await self._chat_role(chat_id, user_id, owners, sender_chat_id)
        authorise(role, operation)

    async def settings(self, chat_id: int) -> chats_db.ChatSettings | None:
        return await chats_db.chat_settings(self._db, chat_id)

    async def change(
        self,
        chat_id: int,
        user_id: int,
        user_name: str,
        name: str,
        raw: str,
        sender_chat_id: int | None = None,
    ) -> None:
        """Validates and stores one setting; raises InvalidSetting with what is expected, or
        NotAllowed."""
        if name not in SETTING_NAMES:
            raise InvalidSetting(f"there is no setting «{name[:40]}»")
        await self.authorise(chat_id, user_id, f"settings.{name}", sender_chat_id)
        value = await self._value(chat_id, name, raw)
        await chats_db.change_setting(
            self._db, chat_id=chat_id, name=name, value=value, user_id=user_id,
            user_name=user_name, now=self._clock(),
        )  # fmt: skip

    async def _value(self, chat_id: int, name: str, raw: str) -> str | int | None:
        if name == "timezone":
            zone = valid_timezone(raw)
            if zone is None:
                raise InvalidSetting(
                    f"«{raw.strip()[:64]}» is not a time zone: use a name like Europe/Moscow"
                )
            return zone
        if name == "language":
            code = raw.strip().lower()
            if code not in LANGUAGES:
                raise InvalidSetting(f"use one of: {', '.join(LANGUAGES)}")
            return code
        if name == "digest":
            off = raw.strip().lower() == "off"
            return "off" if off else parse_clock(raw).strftime("%H:%M")
        if name == "leads":
            return ",".join(str(lead) for lead in parse_leads(raw))
        if name == "quiet":
            quiet = parse_quiet_hours(raw)
            return str(quiet) if quiet else None
        if name == "threshold":
            return parse_count(raw, 2, 50)
        if name == "escalation":
            return parse_minutes(raw, 1, 1440) * 60
        if name == "repeat":
            return parse_minutes(raw, 5, 1440) * 60
        if name == "contacts":
            return parse_contacts(raw)
        if name == "permissions":
            action, role = parse_permission(raw)
            current = await chats_db.chat_settings(self._db, chat_id)
            rules = dict(current.permissions) if current else {}
            rules[action] = role
            return json.dumps(rules, sort_keys=True)
        raise AssertionError(f"SETTING_NAMES has {name!r} but no parser for it")

    async def set_timezone(self, chat_id: int, name: str) -> str | None:
        """Stores the zone and returns its canonical name, or None when no such zone exists."""
        zone = valid_timezone(name)
        if zone is not None:
            await chats_db.set_timezone(self._db, chat_id, zone)
        return zone

    async def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: its subscriptions and alerts follow it."""
        await chats_db.migrate_chat(self._db, old_chat_id, new_chat_id)
