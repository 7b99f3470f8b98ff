"""The Seller API client: error classification, retries, paging and tolerant parsing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.ozon import (
    AccessDenied,
    BadRequest,
    InvalidApiKey,
    MethodGone,
    MissingRole,
    OzonApi,
    OzonUnavailable,
    RateLimited,
    RetryPolicy,
)
from fakes.ozon import FakeOzon

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


class Scripted(httpx.AsyncBaseTransport):
    """Answers requests from a list, recording them."""

    def __init__(self, *answers: httpx.Response | Callable[[httpx.Request], httpx.Response]):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        return answer(request) if callable(answer) else answer


def client(transport: httpx.AsyncBaseTransport, attempts: int = 3) -> OzonApi:
    return OzonApi(
        "http://ozon.test", retry=RetryPolicy(attempts, 0.001, 0.01), transport=transport
    )


def call(transport: Scripted, method: str = "roles", attempts: int = 3) -> object:
    async def run() -> object:
        api = client(transport, attempts)
        try:
            return await getattr(api.seller("1", "secret-key"), method)()
        finally:
            await api.aclose()

    return asyncio.run(run())


def error(status: int, code: int, message: str, **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"code": code, "message": message}, headers=headers)


@pytest.mark.service
@pytest.mark.parametrize(
    ("response", "kind"),
    [
        (error(404, 5, "Invalid Api-Key, please check the key and try again"), InvalidApiKey),
        (error(403, 7, "Api-key is deactivated, use another one"), InvalidApiKey),
        (error(400, 3, "Client-Id header value should be positive integer"), InvalidApiKey),
        (error(403, 7, "Api-Key is missing a required role for a method"), MissingRole),
        (error(403, 7, "Api-Key is restricted to specific IP addresses"), AccessDenied),
        (error(403, 7, "Offer not signed"), AccessDenied),
        (error(400, 3, "invalid filter"), BadRequest),
        (error(404, 5, "posting not found"), BadRequest),
        (error(404, 5, "Not Found"), MethodGone),  # how Ozon answers a path it has no more
        (error(400, 3, "The method is deprecated, use v2"), MethodGone),
        (error(410, 3, "Метод отключён"), MethodGone),
    ],
)
def test_permanent_errors_are_typed_and_not_retried(response: httpx.Response, kind: type) -> None:
    transport = Scripted(response)
    with pytest.raises(kind) as caught:
        call(transport)
    assert caught.value.message == response.json()["message"]
    assert len(transport.requests) == 1


@pytest.mark.service
def test_transient_failures_are_retried_until_success() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    transport = Scripted(
        error(503, 14, "Circle is open"),
        timeout,
        httpx.Response(200, json={"expires_at": "2027-01-01T00:00:00Z", "roles": []}),
    )
    roles = call(transport)
    assert roles.expires_at == datetime(2027, 1, 1, tzinfo=UTC)  # type: ignore[attr-defined]
    assert len(transport.requests) == 3


@pytest.mark.service
@pytest.mark.parametrize(
    ("responses", "kind"),
    [
        ([error(429, 8, "You have reached request rate limit", **{"retry-after": "0"})] * 2,
         RateLimited),
        ([httpx.Response(200, text="{not json")] * 2, OzonUnavailable),
        ([error(500, 13, "internal")] * 2, OzonUnavailable),
        ([error(400, 3, "Circle is open")] * 2, OzonUnavailable),
    ],
)  # fmt: skip
def test_transient_failures_give_up_with_a_typed_error(
    responses: list[httpx.Response], kind: type
) -> None:
    transport = Scripted(*responses)
    with pytest.raises(kind):
        call(transport, attempts=2)
    assert len(transport.requests) == 2


@pytest.mark.service
def test_the_key_never_shows_in_errors_or_reprs() -> None:
    transport = Scripted(error(404, 5, "Invalid Api-Key, please check the key and try again"))
    with pytest.raises(InvalidApiKey) as caught:
        call(transport)
    assert "secret-key" not in repr(caught.value) and "secret-key" not in str(caught.value)
    api = OzonApi("http://ozon.test")
    assert "secret-key" not in repr(api.seller("1", "secret-key"))
    assert transport.requests[0].headers["Api-Key"] == "secret-key"


def unfulfilled(transport: Scripted) -> list[str]:
    async def run() -> list[str]:
        api = client(transport)
        try:
            seller = api.seller("1", "k")
            return [
                p.posting_number
                async for page in seller.unfulfilled(NOW - timedelta(days=1), NOW)
                for p in page.postings
            ]
        finally:
            await api.aclose()

    return asyncio.run(run())


@pytest.mark.service
def test_pages_follow_the_cursor_and_accept_a_result_wrapper() -> None:
    first = FakeOzon.make_posting("1-1-1", NOW)
    second = FakeOzon.make_posting("2-1-1", NOW)
    transport = Scripted(
        httpx.Response(200, json={"postings": [first], "has_next": True, "cursor": "c1"}),
        httpx.Response(
            200, json={"result": {"postings": [second], "has_next": False, "cursor": ""}}
        ),
    )
    assert unfulfilled(transport) == ["1-1-1", "2-1-1"]
    bodies = [json.loads(request.content) for request in transport.requests]
    assert bodies[0]["limit"] == 100 and "cursor" not in bodies[0]
    assert bodies[1]["cursor"] == "c1"
    assert bodies[0]["filter"]["cutoff_from"] == "2026-11-25T12:00:00.000Z"


@pytest.mark.service
def test_unreadable_posting_is_skipped_and_the_rest_kept() -> None:
    good = FakeOzon.make_posting("1-1-1", NOW) | {"some_new_field": {"x": 1}}
    bad = FakeOzon.make_posting("2-1-1", NOW) | {"shipment_date": "yesterday"}
    transport = Scripted(httpx.Response(200, json={"postings": [bad, good], "has_next": False}))
    assert unfulfilled(transport) == ["1-1-1"]


@pytest.mark.unit
def test_nested_tariffication_is_understood() -> None:
    from bot.ozon.models import Tariffication

    nested = Tariffication.model_validate(
        {"current": {"tariff_rate": 0}, "next": {"tariff_rate": 5, "tariff_type": "surcharge",
                                                  "starts_at": "2026-11-27T10:00:00Z"}}
    )  # fmt: skip
    flat = Tariffication.model_validate(
        {"next_tariff_rate": 5, "next_tariff_type": "surcharge",
         "next_tariff_starts_at": "2026-11-27T10:00:00Z"}
    )  # fmt: skip
    assert nested.next_tariff_rate == flat.next_tariff_rate == 5
    assert nested.next_tariff_starts_at == flat.next_tariff_starts_at


@pytest.mark.service
def test_requests_of_one_client_id_are_paced() -> None:
    async def run() -> float:
        transport = httpx.MockTransport(lambda r: httpx.Response(200, json={"roles": []}))
        api = OzonApi("http://ozon.test", per_second=20, transport=transport)
        seller = api.seller("1", "k")
        loop = asyncio.get_running_loop()
        start = loop.time()
        await asyncio.gather(*(seller.roles() for _ in range(11)))
        await api.aclose()
        return loop.time() - start

    assert asyncio.run(run()) >= 0.45  # 11 requests at 20/s need at least 10 intervals
