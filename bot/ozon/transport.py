"""The wire to the Seller API for one store: its Client-Id and key in the headers, its pace,
retries of what is worth retrying, Ozon's answers unwrapped and classified, cursor paging, and
what counts as Ozon confirming a change. The calls themselves are bot/ozon/client.py's (reads)
and bot/ozon/changes.py's (changes)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from bot.ozon.errors import (
    NotDone,
    OzonError,
    OzonUnavailable,
    RateLimited,
    Unconfirmed,
    classify,
)
from bot.ozon.models import KnownPage, PostingPage

log = logging.getLogger(__name__)

PAGE_SIZE = 100


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


class SellerTransport:
    """Requests for one store (one Client-Id and API key)."""

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
        return f"SellerTransport(client_id={self.client_id!r})"

    async def pages(
        self, path: str, body: dict[str, Any], known: Mapping[str, KnownPage] = {}
    ) -> AsyncIterator[PostingPage]:
        cursor = ""
        while True:
            request = {**body, "limit": PAGE_SIZE} | ({"cursor": cursor} if cursor else {})
            seen = known.get(cursor)
            data, digest = await self.request(path, request, seen.digest if seen else None)
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

    async def confirm(self, path: str, body: dict[str, Any]) -> None:
        """A change Ozon confirms with `result: true`. A 200 is not enough: `result: false`
        means nothing was changed, and an answer without `result` says nothing either way."""
        data = await self.call(path, body, retry=False)
        result = data.get("result")
        if result is False:
            raise NotDone("Ozon answered that the change was not made", status=200)
        if result is not True:
            raise Unconfirmed(f"{path} answered without a result")

    async def confirm_each(self, path: str, body: dict[str, Any], posting_number: str) -> None:
        """A change answered per posting, `{result: [{posting_number, result, error}]}`: only
        this posting's own `result: true` confirms it."""
        data = await self.call(path, body, retry=False)
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

    async def call(self, path: str, body: dict[str, Any], *, retry: bool = True) -> dict[str, Any]:
        data, _ = await self.request(path, body, retry=retry)
        assert data is not None  # no known digest given: always decoded
        return data

    async def request(
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
