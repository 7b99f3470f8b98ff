"""Chat settings services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.clock import utcnow
from bot.core.chat_rules import (
    InvalidSetting,
    parse_clock,
    parse_contacts,
    parse_count,
    parse_leads,
    parse_minutes,
    parse_permission,
    parse_quiet_hours,
)
from bot.core.permissions import (
    DEFAULT_RULES,
    ChatRoleOf,
    NotAllowed,
    RoleOf,
    allowed,
    authorise,
    private_chat_role,
    private_role,
)
from bot.core.timezones import valid_timezone
from bot.i18n.catalogs import LANGUAGES
from storage import Database
from storage import chats as chats_db
from storage import stores as stores_db
from storage.stores import Store

SETTING_NAMES = ("timezone", "language", "leads", "quiet", "threshold", "escalation", "contacts",
                 "repeat", "digest", "permissions")  # fmt: skip


@dataclass(frozen=True)
class StoreRules:
    """Who may press which of a store's alert buttons in a chat."""

    store: Store
    rules: dict[str, str]  # action -> requirement, defaults filled in


class ChatService:
    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], datetime] = utcnow,
        chat_role: ChatRoleOf = private_chat_role,
        role_of: RoleOf = private_role,
    ):
        self._db = db
        self._clock = clock
        self._chat_role = chat_role
        self._role_of = role_of

    async def authorise(
        self, chat_id: int, user_id: int, operation: str, sender_chat_id: int | None = None
    ) -> None:
        """Raises NotAllowed unless the user may do `operation` to this chat's own settings:
        in a group, its admins decide; owning a store linked to it gives no say."""
        role = await self._chat_role(chat_id, user_id, sender_chat_id)
        authorise(role, operation)

    async def button_rules(self, chat_id: int) -> list[StoreRules]:
        """Each linked store's button rules in this chat."""
        return [
            StoreRules(
                store,
                dict(DEFAULT_RULES) | await stores_db.button_rules(self._db, chat_id, store.id),
            )
            for store in await stores_db.stores_in_chat(self._db, chat_id)
        ]

    async def change_button_rule(
        self, chat_id: int, user_id: int, user_name: str, store_id: int | None, raw: str
    ) -> list[Store]:
        """Sets who may press one of a store's alert buttons in this chat (`raw`: 'cancel
        owner'); the store's owner decides, for their own stores only. `store_id` None: every
        store of the user linked to this chat. Returns the stores changed; raises
        InvalidSetting or NotAllowed."""
        action, role = parse_permission(raw)
        linked = await stores_db.stores_in_chat(self._db, chat_id)
        targets = [store for store in linked if store_id in (None, store.id)]
        mine = [
            store
            for store in targets
            if allowed(
                await self._role_of(store.owner_user_id, chat_id, user_id), "settings.permissions"
            )
        ]
        if not mine:
            raise NotAllowed("settings.permissions", "owner")
        for store in mine:
            await stores_db.set_button_rule(
                self._db, chat_id=chat_id, store_id=store.id, action=action, role=role,
                user_id=user_id, user_name=user_name, now=self._clock(),
            )  # fmt: skip
        return mine

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
            raise InvalidSetting("invalid.setting", name=name[:40])
        if name == "permissions":
            await self.change_button_rule(chat_id, user_id, user_name, None, raw)
            return
        await self.authorise(chat_id, user_id, f"settings.{name}", sender_chat_id)
        value = self._value(name, raw)
        await chats_db.change_setting(
            self._db, chat_id=chat_id, name=name, value=value, user_id=user_id,
            user_name=user_name, now=self._clock(),
        )  # fmt: skip

    @staticmethod
    def _value(name: str, raw: str) -> str | int | None:
        if name == "timezone":
            zone = valid_timezone(raw)
            if zone is None:
                raise InvalidSetting("invalid.timezone", value=raw.strip()[:64])
            return zone
        if name == "language":
            code = raw.strip().lower()
            if code not in LANGUAGES:
                raise InvalidSetting("invalid.language", languages=", ".join(LANGUAGES))
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
        raise AssertionError(f"SETTING_NAMES has {name!r} but no parser for it")

    async def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: its subscriptions and alerts follow it."""
        await chats_db.migrate_chat(self._db, old_chat_id, new_chat_id)
