"""Maps keyed by what an outsider chooses stay bounded: the role cache, the Ozon pacers and the
sample store's memory; each forgets the least recently used entry first."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from types import SimpleNamespace

import httpx
import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError
from aiogram.methods import GetChatMember

from bot.ozon import OzonApi
from bot.ozon.sandbox import SandboxTransport, sandbox_key
from bot.security.bounded import LruMap
from bot.telegram.members import MemberRoles


@pytest.mark.unit
def test_the_least_recently_used_entry_goes_first() -> None:
    seen: LruMap[str, int] = LruMap(2)
    seen.put("a", 1)
    seen.put("b", 2)
    assert seen.get("a") == 1  # "a" is now the most recent
    seen.put("c", 3)
    assert "b" not in seen and seen.get("a") == 1 and seen.get("c") == 3
    assert len(seen) == 2
    assert seen.get_or_put("d", lambda: 4) == 4 and "a" not in seen
    assert seen.pop("d") == 4 and len(seen) == 1


class CountingBot:
    """Answers getChatMember from a dict, counting the calls."""

    def __init__(self, statuses: dict[tuple[int, int], str]):
        self.statuses = statuses
        self.calls = 0

    async def get_chat_member(self, chat_id: int, user_id: int) -> SimpleNamespace:
        self.calls += 1
        return SimpleNamespace(status=self.statuses.get((chat_id, user_id), "member"))


@pytest.mark.unit
def test_the_role_cache_is_bounded_and_follows_member_updates() -> None:
    async def run() -> None:
        bot = CountingBot({(-1, 1): "administrator"})
        roles = MemberRoles(bot, clock=lambda: 0.0, entries=2)  # type: ignore[arg-type]
        assert await roles.chat_role(-1, 1, None) == "admin"
        assert await roles.chat_role(-1, 2, None) == "member"
        assert await roles.chat_role(-1, 1, None) == "admin" and bot.calls == 2  # cached
        await roles.chat_role(-1, 3, None)  # user 2 is forgotten: the least recent
        await roles.chat_role(-1, 2, None)
        assert bot.calls == 4
        # Telegram says user 1 was demoted: no lookup, and no waiting for the cache to expire.
        roles.member_changed(-1, 1, "member")
        assert await roles.chat_role(-1, 1, None) == "member" and bot.calls == 4
        # Owning a store makes a plain member its owner, and an admin its owner and admin.
        assert await roles.role(1, -1, 1) == "owner"
        roles.member_changed(-1, 1, "creator")
        assert await roles.role(1, -1, 1) == "owner_admin"

    asyncio.run(run())


@pytest.mark.service
def test_pacers_for_client_ids_typed_into_connect_are_bounded() -> None:
    async def run() -> None:
        api = OzonApi("http://127.0.0.1:9")
        for client_id in range(60_000):
            api.seller(str(client_id), "key")
        assert len(api._pacers) == 50_000
        first = api.seller("59999", "key")
        assert api.seller("59999", "key")._ozon._pacer is first._ozon._pacer  # the recent: kept
        await api.aclose()

    asyncio.run(run())


@pytest.mark.unit
def test_two_sample_stores_share_nothing_and_chats_are_bounded() -> None:
    async def call(transport: SandboxTransport, key: str, path: str, body: dict) -> dict:
        request = httpx.Request("POST", f"http://sandbox.invalid{path}", json=body,
                                headers={"Api-Key": key})  # fmt: skip
        return json.loads((await transport.handle_async_request(request)).content)

    async def run() -> None:
        transport = SandboxTransport()
        now = datetime.now(UTC)
        mine, theirs = sandbox_key(now), sandbox_key(now)
        assert mine != theirs  # connected in the same second, still two stores
        number = "10000001-0001-1"
        await call(transport, mine, "/v2/posting/fbs/cancel",
                   {"posting_number": number, "cancel_reason_id": 352})  # fmt: skip
        window = {"filter": {"cutoff_from": "2000-01-01T00:00:00+00:00",
                             "cutoff_to": "2100-01-01T00:00:00+00:00"}}  # fmt: skip
        listed = await call(transport, theirs, "/v4/posting/fbs/unfulfilled/list", window)
        assert number in [p["posting_number"] for p in listed["postings"]]
        chat = await call(transport, mine, "/v1/chat/start", {"posting_number": number})
        chat_id = chat["result"]["chat_id"]
        refused = await call(transport, theirs, "/v1/chat/send/message",
                             {"chat_id": chat_id, "text": "hi"})  # fmt: skip
        assert refused["message"] == "Chat not found"
        for _ in range(30):
            await call(transport, mine, "/v1/chat/send/message", {"chat_id": chat_id, "text": "x"})
        history = await call(transport, mine, "/v3/chat/history", {"chat_id": chat_id})
        assert len(history["messages"]) == 40

    asyncio.run(run())


class FailingBot:
    """Telegram refusing the lookup, or not answering it."""

    def __init__(self, error: Exception):
        self.error = error

    async def get_chat_member(self, chat_id: int, user_id: int) -> SimpleNamespace:
        raise self.error


@pytest.mark.unit
def test_a_member_telegram_does_not_know_is_a_stranger_and_an_outage_is_no_verdict() -> None:
    method = GetChatMember(chat_id=-1, user_id=1)

    async def run() -> None:
        refused = MemberRoles(FailingBot(TelegramBadRequest(method, "user not found")))  # type: ignore[arg-type]
        assert await refused.chat_role(-1, 1, None) == "stranger"
        down = MemberRoles(FailingBot(TelegramNetworkError(method, "timeout")))  # type: ignore[arg-type]
        with pytest.raises(TelegramNetworkError):  # the press is told nothing was done
            await down.chat_role(-1, 1, None)

    asyncio.run(run())
