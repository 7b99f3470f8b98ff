"""A user's role in a chat, from Telegram's getChatMember, cached briefly."""

from __future__ import annotations

import time
from collections.abc import Callable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from bot.permissions import role_in_private

CACHE_SECONDS = 300.0
ADMIN_STATUSES = frozenset({"creator", "administrator"})
MEMBER_STATUSES = frozenset({"member", "restricted"})


class MemberRoles:
    def __init__(self, bot: Bot, *, clock: Callable[[], float] = time.monotonic):
        self._bot = bot
        self._clock = clock
        self._cache: dict[tuple[int, int], tuple[float, str]] = {}

    async def role(
        self, store_owner: int, chat_id: int, user_id: int, sender_chat_id: int | None = None
    ) -> str:
        """The user's role towards a store, in a chat."""
        if user_id == store_owner:
            return "owner"
        if chat_id > 0:
            return role_in_private(store_owner, user_id)
        return await self._in_group(chat_id, user_id, sender_chat_id)

    async def chat_role(
        self, chat_id: int, user_id: int, owners: set[int], sender_chat_id: int | None = None
    ) -> str:
        """The user's role towards a chat's settings; `owners` own the stores linked to it."""
        if chat_id > 0:
            return "owner" if user_id == chat_id else "stranger"
        if user_id in owners:
            return "owner"
        return await self._in_group(chat_id, user_id, sender_chat_id)

    async def _in_group(self, chat_id: int, user_id: int, sender_chat_id: int | None) -> str:
        if sender_chat_id == chat_id:
            return "admin"  # an anonymous administrator speaks as the group itself
        cached = self._cache.get((chat_id, user_id))
        if cached and cached[0] > self._clock():
            return cached[1]
        try:
            status = (await self._bot.get_chat_member(chat_id, user_id)).status
        except TelegramAPIError:
            return "stranger"
        role = (
            "admin"
            if status in ADMIN_STATUSES
            else "member"
            if status in MEMBER_STATUSES
            else "stranger"
        )
        self._cache[(chat_id, user_id)] = (self._clock() + CACHE_SECONDS, role)
        return role
