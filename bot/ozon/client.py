"""The Seller API for the bot: what it reads of a store, as typed models (`SellerClient`),
its changes (`.changes`, bot/ozon/changes.py), and the HTTP clients and per-Client-Id pace
shared by every store (`OzonApi`). Requests go out through bot/ozon/transport.py only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx

from bot.ozon.changes import PostingChanges
from bot.ozon.lenient import read
from bot.ozon.models import (
    IN_DELIVERY_STATUSES,
    CancelReason,
    CancelReasons,
    ChatHistory,
    ChatMessage,
    ErrorIndex,
    KeyRoles,
    KnownPage,
    Posting,
    PostingPage,
    SellerInfo,
    TimeslotRestrictions,
    Warehouse,
    WarehousePage,
    WarehouseStock,
    WarehouseStocks,
)
from bot.ozon.transport import RequestPacer, RetryPolicy, SellerTransport, wire_time
from bot.security.bounded import LruMap

MAX_PAGES = 1000  # a cursor that never ends must not keep a scan forever
STOCK_PATH = "/v2/product/info/stocks-by-warehouse/fbs"
STOCK_BATCH = 1000  # products per stock request, Ozon's limit for the v2 method
# The built-in sandbox store: requests for it go to an in-process transport, never to Ozon.
SANDBOX_CLIENT_ID = "demo"
# Pacers kept at once: far above the stores one process scans, so none in use is forgotten.
MAX_PACERS = 50_000
# Methods the deadline watch cannot work without; named to the seller when the key lacks them.
REQUIRED_METHODS = ("/v4/posting/fbs/unfulfilled/list", "/v4/posting/fbs/list")


class SellerClient:
    """What the bot reads of one store (one Client-Id and API key); `changes` makes changes."""

    def __init__(self, ozon: SellerTransport):
        self._ozon = ozon
        self.client_id = ozon.client_id
        self.changes = PostingChanges(ozon)

    def __repr__(self) -> str:  # never show the key, even in a traceback
        return f"SellerClient(client_id={self.client_id!r})"

    async def roles(self) -> KeyRoles:
        return read(KeyRoles, await self._ozon.call("/v1/roles", {}), "/v1/roles")

    async def seller_info(self) -> SellerInfo:
        return read(SellerInfo, await self._ozon.call("/v1/seller/info", {}), "/v1/seller/info")

    async def warehouses(self) -> list[Warehouse]:
        found: list[Warehouse] = []
        cursor = ""
        for _ in range(MAX_PAGES):
            body: dict[str, Any] = {"limit": 200} | ({"cursor": cursor} if cursor else {})
            page = read(
                WarehousePage,
                await self._ozon.call("/v2/warehouse/list", body),
                "/v2/warehouse/list",
            )
            found += page.warehouses
            if not page.has_next or not page.cursor:
                break
            cursor = page.cursor
        return found

    async def stocks(self, skus: Sequence[int]) -> list[WarehouseStock]:
        """FBS stock of these products at every warehouse. The v1 method was switched off on
        7 April 2026; v2 pages by cursor and adds `free_stock` (our spec copy predates it)."""
        found: list[WarehouseStock] = []
        for start in range(0, len(skus), STOCK_BATCH):
            batch = [str(sku) for sku in skus[start : start + STOCK_BATCH]]
            cursor = ""
            for _ in range(MAX_PAGES):
                body = {"sku": batch, "limit": STOCK_BATCH} | ({"cursor": cursor} if cursor else {})
                page = read(WarehouseStocks, await self._ozon.call(STOCK_PATH, body), STOCK_PATH)
                found += page.products
                if not page.has_next or not page.cursor or page.cursor == cursor:
                    break
                cursor = page.cursor
        return found

    async def error_index(self) -> ErrorIndex:
        data = await self._ozon.call("/v1/rating/index/fbs/info", {})
        return read(ErrorIndex, data, "/v1/rating/index/fbs/info")

    async def posting(self, posting_number: str) -> Posting:
        """One posting by number (Ozon answers about 2 of these per second before 429s)."""
        body = {"posting_number": posting_number, "with": {"analytics_data": True}}
        data = await self._ozon.call("/v3/posting/fbs/get", body)
        return read(Posting, data, "/v3/posting/fbs/get")

    async def cancel_reasons(self, posting_number: str) -> list[CancelReason]:
        """The reasons Ozon accepts for cancelling this posting now."""
        data = await self._ozon.call(
            "/v1/posting/fbs/cancel-reason", {"related_posting_numbers": [posting_number]}
        )
        answer = read(CancelReasons, data, "/v1/posting/fbs/cancel-reason")
        return [r for p in answer.result if p.posting_number == posting_number for r in p.reasons]

    async def chat_history(self, chat_id: str, limit: int = 50) -> list[ChatMessage]:
        """The newest messages of a chat, oldest first."""
        body = {"chat_id": chat_id, "direction": "Backward", "limit": limit}
        history = read(
            ChatHistory, await self._ozon.call("/v3/chat/history", body), "/v3/chat/history"
        )
        return sorted(history.messages, key=lambda message: message.message_id)

    async def timeslot_restrictions(self, posting_number: str) -> TimeslotRestrictions:
        data = await self._ozon.call(
            "/v1/posting/fbs/timeslot/change-restrictions", {"posting_number": posting_number}
        )
        return read(TimeslotRestrictions, data, "/v1/posting/fbs/timeslot/change-restrictions")

    def unfulfilled(
        self, cutoff_from: datetime, cutoff_to: datetime, known: Mapping[str, KnownPage] = {}
    ) -> AsyncIterator[PostingPage]:
        """Postings still to be packed or handed over whose deadline lies in the window.
        `known`: pages the caller saw before, by the cursor they were asked with; one Ozon
        repeats byte for byte comes back `repeated`, not decoded."""
        body = {
            "filter": {"cutoff_from": wire_time(cutoff_from), "cutoff_to": wire_time(cutoff_to)},
            "sort_dir": "ASC",
            "with": {"analytics_data": True},  # the delivery window promised to the buyer
        }
        return self._ozon.pages("/v4/posting/fbs/unfulfilled/list", body, known)

    def changed(
        self, since: datetime, to: datetime, changed_from: datetime
    ) -> AsyncIterator[PostingPage]:
        """Postings of any status whose status changed since `changed_from`."""
        body = {
            "filter": {
                "since": wire_time(since),
                "to": wire_time(to),
                "last_changed_status_date": {"from": wire_time(changed_from), "to": wire_time(to)},
            },
            "sort_dir": "ASC",
        }
        return self._ozon.pages("/v4/posting/fbs/list", body)

    def in_delivery(self, since: datetime, to: datetime) -> AsyncIterator[PostingPage]:
        """Postings handed over and not yet delivered, ordered since `since`, with the
        delivery window promised to the buyer."""
        body = {
            "filter": {"since": wire_time(since), "to": wire_time(to),
                       "statuses": list(IN_DELIVERY_STATUSES)},
            "sort_dir": "ASC",
            "with": {"analytics_data": True},
        }  # fmt: skip
        return self._ozon.pages("/v4/posting/fbs/list", body)


class OzonApi:
    """Owns the process's HTTP clients and the per-Client-Id pacing."""

    def __init__(
        self,
        base_url: str,
        *,
        retry: RetryPolicy | None = None,
        per_second: float = 20.0,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        demo_transport: httpx.AsyncBaseTransport | None = None,
    ):
        limits = httpx.Limits(max_connections=50, max_keepalive_connections=20)
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout, connect=10.0),
            limits=limits,
            transport=transport,
        )
        self._demo = (
            httpx.AsyncClient(base_url="http://sandbox.invalid", transport=demo_transport)
            if demo_transport
            else None
        )
        self._retry = retry or RetryPolicy()
        self._per_second = per_second
        # Client-Ids come from /connect too, typed by anyone: the least recent are forgotten.
        self._pacers: LruMap[str, RequestPacer] = LruMap(MAX_PACERS)

    def seller(self, client_id: str, api_key: str) -> SellerClient:
        sandbox = client_id == SANDBOX_CLIENT_ID and self._demo is not None
        http = self._demo if sandbox and self._demo else self._http
        pacer = self._pacers.get_or_put(client_id, lambda: RequestPacer(self._per_second))
        return SellerClient(SellerTransport(http, client_id, api_key, pacer, self._retry))

    async def aclose(self) -> None:
        await self._http.aclose()
        if self._demo:
            await self._demo.aclose()
