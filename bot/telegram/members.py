"""A user's role in a chat, from Telegram's getChatMember, cached briefly and bounded; a
`chat_member` update replaces the cached role at once."""

from __future__ import annotations

import time
from collections.abc import Callable

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError

from bot.core.permissions import role_in_private, role_of
from bot.security.bounded import LruMap

CACHE_SECONDS = 300.0
CACHE_ENTRIES = 50_000  # (chat, user) pairs remembered at once; the least recent go first
ADMIN_STATUSES = frozenset({"creator", "administrator"})
MEMBER_STATUSES = frozenset({"member", "restricted"})


def group_role_of(status: str) -> str:
    """'admin', 'member' or 'stranger' for a Telegram chat member status."""
    if status in ADMIN_STATUSES:
        return "admin"
    return "member" if status in MEMBER_STATUSES else "stranger"


class MemberRoles:
    def __init__(
        self,
        bot: Bot,
        *,
        clock: Callable[[], float] = time.monotonic,
        entries: int = CACHE_ENTRIES,
    ):
        self._bot = bot
        self._clock = clock
        self._cache: LruMap[tuple[int, int], tuple[float, str]] = LruMap(entries)

    async def role(self, store_owner: int, chat_id: int, user_id: int) -> str:
        """The user's role towards a store, in a chat."""
        if chat_id > 0:
            return role_in_private(store_owner, user_id)
        return role_of(user_id == store_owner, await self._in_group(chat_id, user_id, None))

    async def chat_role(self, chat_id: int, user_id: int, sender_chat_id: int | None) -> str:
        """The user's role towards a chat's own settings: owning a store linked to the chat
        gives none."""
        if chat_id > 0:
            return "owner_admin" if user_id == chat_id else "stranger"
        return await self._in_group(chat_id, user_id, sender_chat_id)

    def member_changed(self, chat_id: int, user_id: int, status: str) -> None:
        """Telegram told the bot of a new status (a `chat_member` update): no waiting for the
        cached one to expire."""
        self._cache.put((chat_id, user_id), (self._clock() + CACHE_SECONDS, group_role_of(status)))

    async def _in_group(self, chat_id: int, user_id: int, sender_chat_id: int | None) -> str:
        if sender_chat_id == chat_id:
            return "admin"  # an anonymous administrator speaks as the group itself
        cached = self._cache.get((chat_id, user_id))
        if cached and cached[0] > self._clock():
            return cached[1]
        try:
            status = (await self._bot.get_chat_member(chat_id, user_id)).status
        except (TelegramBadRequest, TelegramForbiddenError):
            return "stranger"  # not a member Telegram knows of, or the bot is no longer there
        # Telegram unreachable or failing goes up: "nothing was done", not "you may not".
        role = group_role_of(status)
        self._cache.put((chat_id, user_id), (self._clock() + CACHE_SECONDS, role))
        return role
