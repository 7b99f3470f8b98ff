"""Seller API calls run through the real client against a canned answer, and a check that
what the bot does with a parsed posting works."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from bot.ozon import OzonApi, RetryPolicy, SellerClient
from bot.ozon.models import Posting, PostingPage
from bot.views.format import format_moment
from tests.helpers.shown import EN

WINDOW = (datetime(2026, 11, 26, tzinfo=UTC), datetime(2026, 11, 28, tzinfo=UTC))

Call = Callable[[SellerClient], Awaitable[Any]]


async def all_pages(seller: SellerClient) -> list[PostingPage]:
    pages = [page async for page in seller.unfulfilled(*WINDOW)]
    assert all(page.skipped >= 0 for page in pages)  # parsed here, where errors would show
    return pages


def ask_ozon(call: Call, body: bytes, status: int = 200) -> Any:
    """Runs one client call against an answer of `body`, without retries."""

    async def run() -> Any:
        transport = httpx.MockTransport(
            lambda request: httpx.Response(
                status, content=body, headers={"Content-Type": "application/json"}
            )
        )
        api = OzonApi(
            "http://ozon.test", retry=RetryPolicy(attempts=1), per_second=1e6, transport=transport
        )
        try:
            return await call(api.seller("1", "secret-key"))
        finally:
            await api.aclose()

    return asyncio.run(run())


def check_usable(posting: Posting) -> None:
    """What the bot does with a parsed posting must work: show its times in any zone, sum up
    its prices."""
    moments = [posting.shipment_date, posting.shipment_date_without_delay, posting.in_process_at]
    if posting.tariffication:
        moments.append(posting.tariffication.next_tariff_starts_at)
    for moment in filter(None, moments):
        assert moment.utcoffset() is not None
        for zone in ("Etc/GMT+12", "Etc/GMT-14", "Europe/Moscow"):
            assert format_moment(EN, moment, zone)
    for product in posting.products:
        if product.price and product.price.amount is not None:
            assert len(f"{product.price.amount:,.2f}") <= 30
