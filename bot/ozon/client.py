"""The only place that builds Seller API requests and reads their raw JSON."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from bot.core.deadlines import IN_DELIVERY_STATUSES
from bot.ozon.errors import (
    NotDone,
    OzonError,
    OzonUnavailable,
    RateLimited,
    Unconfirmed,
    classify,
)
from bot.ozon.lenient import read
from bot.ozon.models import (
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
from bot.security.bounded import LruMap

log = logging.getLogger(__name__)
ModelT = TypeVar("ModelT", bound=BaseModel)

PAGE_SIZE = 100
MAX_PAGES = 1000  # a cursor that never ends must not keep a scan forever
STOCK_PATH = "/v2/product/info/stocks-by-warehouse/fbs"
STOCK_BATCH = 1000  # products per stock request, Ozon's limit for the v2 method
# The built-in sandbox store: requests for it go to an in-process transport, never to Ozon.
SANDBOX_CLIENT_ID = "demo"
# Pacers kept at once: far above the stores one process scans, so none in use is forgotten.
MAX_PACERS = 50_000
# Methods the deadline watch cannot work without; named to the seller when the key lacks them.
REQUIRED_METHODS = ("/v4/posting/fbs/unfulfilled/list", "/v4/posting/fbs/list")


def wire_time(moment: datetime) -> str:
    """UTC, ISO-8601 with milliseconds and 'Z', as Ozon documents."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 20.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_delay) + random.uniform(0, self.base_delay)
        # "Full jitter": spreads retries of many stores instead of synchronising them.
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


class RequestPacer:
    """Spaces the requests of one Client-Id so they stay well under Ozon's 50 per second."""

    def __init__(self, per_second: float):
        self._interval = 1.0 / per_second
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self._interval
        if delay > 0:
            await asyncio.sleep(delay)


class SellerClient:
    """Seller API calls for one store (one Client-Id and API key)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        client_id: str,
        api_key: str,
        pacer: RequestPacer,
        retry: RetryPolicy,
    ):
        self.client_id = client_id
        self._http = http
        self._headers = {"Client-Id": client_id, "Api-Key": api_key}
        self._pacer = pacer
        self._retry = retry

    def __repr__(self) -> str:  # never show the key, even in a traceback
        return f"SellerClient(client_id={self.client_id!r})"

    async def roles(self) -> KeyRoles:
        return read(KeyRoles, await self._call("/v1/roles", {}), "/v1/roles")

    async def seller_info(self) -> SellerInfo:
        return read(SellerInfo, await self._call("/v1/seller/info", {}), "/v1/seller/info")

    async def warehouses(self) -> list[Warehouse]:
        found: list[Warehouse] = []
        cursor = ""
        for _ in range(MAX_PAGES):
            body: dict[str, Any] = {"limit": 200} | ({"cursor": cursor} if cursor else {})
            page = read(
                WarehousePage, await self._call("/v2/warehouse/list", body), "/v2/warehouse/list"
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
                page = read(WarehouseStocks, await self._call(STOCK_PATH, body), STOCK_PATH)
                found += page.products
                if not page.has_next or not page.cursor or page.cursor == cursor:
                    break
                cursor = page.cursor
        return found

    async def error_index(self) -> ErrorIndex:
        data = await self._call("/v1/rating/index/fbs/info", {})
        return read(ErrorIndex, data, "/v1/rating/index/fbs/info")

    async def posting(self, posting_number: str) -> Posting:
        """One posting by number (Ozon answers about 2 of these per second before 429s)."""
        body = {"posting_number": posting_number, "with": {"analytics_data": True}}
        data = await self._call("/v3/posting/fbs/get", body)
        return read(Posting, data, "/v3/posting/fbs/get")

    async def cancel_reasons(self, posting_number: str) -> list[CancelReason]:
        """The reasons Ozon accepts for cancelling this posting now."""
        data = await self._call(
            "/v1/posting/fbs/cancel-reason", {"related_posting_numbers": [posting_number]}
        )
        answer = read(CancelReasons, data, "/v1/posting/fbs/cancel-reason")
        return [r for p in answer.result if p.posting_number == posting_number for r in p.reasons]

    async def cancel(self, posting_number: str, reason_id: int, message: str = "") -> None:
        body: dict[str, Any] = {"posting_number": posting_number, "cancel_reason_id": reason_id}
        if message:
            body["cancel_reason_message"] = message
        await self._change("/v2/posting/fbs/cancel", body)

    async def cancel_items(
        self, posting_number: str, sku: int, quantity: int, reason_id: int, message: str
    ) -> None:
        """Cancels some units of one product; the rest of the posting stays. Ozon confirms it
        by answering the posting's number."""
        body = {
            "posting_number": posting_number,
            "cancel_reason_id": reason_id,
            "cancel_reason_message": message,
            "items": [{"sku": sku, "quantity": quantity}],
        }
        data = await self._call("/v2/posting/fbs/product/cancel", body, retry=False)
        if data.get("result") != posting_number:
            raise Unconfirmed("/v2/posting/fbs/product/cancel answered without the posting")

    async def start_chat(self, posting_number: str) -> str:
        data = await self._call("/v1/chat/start", {"posting_number": posting_number})
        chat_id = str(data.get("chat_id") or "")
        if not chat_id:
            raise OzonUnavailable("Ozon did not return a chat id")
        return chat_id

    async def send_chat_message(self, chat_id: str, text: str) -> None:
        await self._call("/v1/chat/send/message", {"chat_id": chat_id, "text": text}, retry=False)

    async def chat_history(self, chat_id: str, limit: int = 50) -> list[ChatMessage]:
        """The newest messages of a chat, oldest first."""
        body = {"chat_id": chat_id, "direction": "Backward", "limit": limit}
        history = read(ChatHistory, await self._call("/v3/chat/history", body), "/v3/chat/history")
        return sorted(history.messages, key=lambda message: message.message_id)

    async def set_cutoff(self, posting_number: str, new_date: datetime) -> None:
        body = {"posting_number": posting_number, "new_cutoff_date": wire_time(new_date)}
        await self._change("/v1/posting/cutoff/set", body)

    async def timeslot_restrictions(self, posting_number: str) -> TimeslotRestrictions:
        data = await self._call(
            "/v1/posting/fbs/timeslot/change-restrictions", {"posting_number": posting_number}
        )
        return read(TimeslotRestrictions, data, "/v1/posting/fbs/timeslot/change-restrictions")

    async def set_timeslot(self, posting_number: str, start: datetime, end: datetime) -> None:
        body = {
            "posting_number": posting_number,
            "new_timeslot": {"from": wire_time(start), "to": wire_time(end)},
        }
        await self._change("/v1/posting/fbs/timeslot/set", body)

    async def set_tracking_number(self, posting_number: str, tracking_number: str) -> None:
        body = {"tracking_numbers": [{"posting_number": posting_number,
                                      "tracking_number": tracking_number}]}  # fmt: skip
        await self._change_each("/v2/fbs/posting/tracking-number/set", body, posting_number)

    async def mark_delivering(self, posting_number: str) -> None:
        """Asks Ozon to move a posting the seller delivers to "delivering" (applied
        asynchronously: the status itself is learnt from a later scan)."""
        body = {"posting_number": [posting_number]}
        await self._change_each("/v2/fbs/posting/delivering", body, posting_number)

    async def mark_last_mile(self, posting_number: str) -> None:
        body = {"posting_number": [posting_number]}
        await self._change_each("/v2/fbs/posting/last-mile", body, posting_number)

    async def mark_delivered(self, posting_number: str) -> None:
        body = {"posting_number": [posting_number]}
        await self._change_each("/v2/fbs/posting/delivered", body, posting_number)

    async def set_box_count(self, posting_number: str, boxes: int) -> None:
        body = {"posting_number": posting_number, "multi_box_qty": boxes}
        await self._change("/v3/posting/multiboxqty/set", body)

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
        return self._pages("/v4/posting/fbs/unfulfilled/list", body, known)

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
        return self._pages("/v4/posting/fbs/list", body)

    def in_delivery(self, since: datetime, to: datetime) -> AsyncIterator[PostingPage]:
        """Postings handed over and not yet delivered, ordered since `since`, with the
        delivery window promised to the buyer."""
        body = {
            "filter": {"since": wire_time(since), "to": wire_time(to),
                       "statuses": list(IN_DELIVERY_STATUSES)},
            "sort_dir": "ASC",
            "with": {"analytics_data": True},
        }  # fmt: skip
        return self._pages("/v4/posting/fbs/list", body)

    async def _pages(
        self, path: str, body: dict[str, Any], known: Mapping[str, KnownPage] = {}
    ) -> AsyncIterator[PostingPage]:
        cursor = ""
        while True:
            request = {**body, "limit": PAGE_SIZE} | ({"cursor": cursor} if cursor else {})
            seen = known.get(cursor)
            data, digest = await self._request(path, request, seen.digest if seen else None)
            if data is None:
                assert seen is not None  # only a known digest leaves the answer undecoded
                page = PostingPage([], seen.cursor, seen.has_next, digest, cursor, repeated=True)
            else:
                raw = data.get("postings", [])
                if not isinstance(raw, list):
                    raise OzonUnavailable("Ozon answered with malformed JSON", status=200)
                next_cursor, has_next = str(data.get("cursor") or ""), bool(data.get("has_next"))
                page = PostingPage(raw, next_cursor, has_next, digest, cursor, self.client_id)
            yield page
            if not page.has_next or not page.cursor or page.cursor == cursor:
                return
            cursor = page.cursor

    async def _change(self, path: str, body: dict[str, Any]) -> None:
        """A change Ozon confirms with `result: true`. A 200 is not enough: `result: false`
        means nothing was changed, and an answer without `result` says nothing either way."""
        data = await self._call(path, body, retry=False)
        result = data.get("result")
        if result is False:
            raise NotDone("Ozon answered that the change was not made", status=200)
        if result is not True:
            raise Unconfirmed(f"{path} answered without a result")

    async def _change_each(self, path: str, body: dict[str, Any], posting_number: str) -> None:
        """A change answered per posting, `{result: [{posting_number, result, error}]}`: only
        this posting's own `result: true` confirms it."""
        data = await self._call(path, body, retry=False)
        entries = data.get("result")
        own = [
            entry
            for entry in (entries if isinstance(entries, list) else [])
            if isinstance(entry, dict) and entry.get("posting_number") == posting_number
        ]
        entry = own[0] if own else None
        if entry is None or not isinstance(entry.get("result"), bool):
            raise Unconfirmed(f"{path} answered without a result for the posting")
        if not entry["result"]:
            raise NotDone(str(entry.get("error") or "Ozon answered that the change was not made"),
                          status=200)  # fmt: skip

    async def _call(self, path: str, body: dict[str, Any], *, retry: bool = True) -> dict[str, Any]:
        data, _ = await self._request(path, body, retry=retry)
        assert data is not None  # no known digest given: always decoded
        return data

    async def _request(
        self,
        path: str,
        body: dict[str, Any],
        known_digest: bytes | None = None,
        *,
        retry: bool = True,
    ) -> tuple[dict[str, Any] | None, bytes]:
        """The answer and the digest of its bytes; an answer of `known_digest` is not decoded
        (None). Calls Ozon, retrying transient failures. Changes (cancel, send) are not retried
        after a timeout or 5xx: Ozon may have carried them out, and a second cancel or a
        repeated message to the buyer is worse than an honest "try again". A 429 means Ozon
        did nothing, so it is always retried."""
        error: OzonError = OzonUnavailable("no attempt made")
        for attempt in range(self._retry.attempts):
            if attempt:
                await asyncio.sleep(
                    self._retry.delay(attempt - 1, getattr(error, "retry_after", None))
                )
            await self._pacer.wait()
            try:
                response = await self._http.post(path, json=body, headers=self._headers)
            except httpx.HTTPError as exc:
                error = OzonUnavailable(f"{type(exc).__name__} talking to Ozon")
            else:
                digest = hashlib.blake2b(response.content, digest_size=16).digest()
                if response.status_code == 200 and digest == known_digest:
                    return None, digest
                try:
                    return self._unwrap(response, path), digest
                except OzonError as exc:
                    error = exc
            if not error.transient or not (retry or isinstance(error, RateLimited)):
                raise error
            log.info("store %s: %s attempt %d failed: %s", self.client_id, path, attempt + 1, error)
        raise error

    @staticmethod
    def _unwrap(response: httpx.Response, path: str) -> dict[str, Any]:
        try:
            data = json.loads(response.content, object_hook=_without_nulls)
        except (ValueError, RecursionError):  # nesting deep enough to exhaust the parser
            data = None
        if response.status_code == 200:
            if not isinstance(data, dict):
                raise OzonUnavailable("Ozon answered with malformed JSON", status=200)
            result = data.get("result")
            return result if isinstance(result, dict) else data
        details = data if isinstance(data, dict) else {}
        retry_after = response.headers.get("retry-after")
        raise classify(
            response.status_code,
            details.get("code") if isinstance(details.get("code"), int) else None,
            str(details.get("message") or response.reason_phrase or "no message"),
            float(retry_after)
            if retry_after and retry_after.replace(".", "", 1).isdigit()
            else None,
            path,
        )


def _without_nulls(obj: dict[str, Any]) -> dict[str, Any]:
    """Ozon sends null for a field it has no value for; the models' defaults say that better.
    Dropped while decoding, so the models need no per-object Python validator."""
    return {key: value for key, value in obj.items() if value is not None}


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
        return SellerClient(http, client_id, api_key, pacer, self._retry)

    async def aclose(self) -> None:
        await self._http.aclose()
        if self._demo:
            await self._demo.aclose()
