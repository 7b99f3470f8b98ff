"""Fast checks of the fake servers themselves: they must be as strict as the real services."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
)
from jsonschema import Draft7Validator

from fakes.ozon import FORMATS, SPEC, FakeOzon, iso
from fakes.telegram import FakeTelegram

pytestmark = pytest.mark.service

T = TypeVar("T")

CLIENT_ID, API_KEY = "111", "secret-key"
NOW = datetime.now(UTC).replace(microsecond=0)
WINDOW = {"cutoff_from": iso(NOW - timedelta(days=1)), "cutoff_to": iso(NOW + timedelta(days=7))}
POSTING = "12345678-0001-1"
CHAT_ID = FakeOzon.chat_id(POSTING)


@pytest.fixture
def ozon() -> Iterator[FakeOzon]:
    with FakeOzon() as fake:
        fake.add_store(CLIENT_ID, API_KEY)
        yield fake


@pytest.fixture
def client(ozon: FakeOzon) -> Iterator[httpx.Client]:
    headers = {"Client-Id": CLIENT_ID, "Api-Key": API_KEY}
    with httpx.Client(base_url=ozon.url, headers=headers) as client:
        yield client


@pytest.mark.parametrize(
    "filter_",
    [
        pytest.param({**WINDOW, "status": ["awaiting_packaging"]}, id="misspelt-statuses"),
        pytest.param({"statuses": ["awaiting_packaging"]}, id="no-window"),
        pytest.param({"cutoff_from": WINDOW["cutoff_from"]}, id="half-window"),
        pytest.param({**WINDOW, "delivering_date_from": iso(NOW)}, id="mixed-windows"),
        pytest.param({**WINDOW, "cutoff_to": "2026-01-01 10:00"}, id="not-rfc3339"),
    ],
)
def test_ozon_rejects_what_ozon_would(
    ozon: FakeOzon, client: httpx.Client, filter_: dict[str, Any]
) -> None:
    response = client.post("/v4/posting/fbs/unfulfilled/list", json={"filter": filter_})

    assert response.status_code == 400
    assert response.json()["code"] == 3
    assert len(ozon.violations) == 1
    assert response.json()["message"] == ozon.violations[0]


def test_ozon_pages_unfulfilled_postings_with_a_cursor(
    ozon: FakeOzon, client: httpx.Client
) -> None:
    due = [
        FakeOzon.make_posting(f"1000000{i}-0001-1", NOW + timedelta(hours=i))
        for i in (4, 1, 3, 2, 0)
    ]
    shipped = FakeOzon.make_posting("20000000-0001-1", NOW, status="delivering")
    too_late = FakeOzon.make_posting("30000000-0001-1", NOW + timedelta(days=30))
    ozon.set_postings(CLIENT_ID, [*due, shipped, too_late])

    seen: list[str] = []
    body: dict[str, Any] = {"filter": WINDOW, "limit": 2, "sort_dir": "ASC"}
    while True:
        page = client.post("/v4/posting/fbs/unfulfilled/list", json=body).json()
        seen += [posting["posting_number"] for posting in page["postings"]]
        if not page["has_next"]:
            break
        body["cursor"] = page["cursor"]

    assert seen == [f"1000000{i}-0001-1" for i in range(5)]
    assert len(ozon.calls_to("/v4/posting/fbs/unfulfilled/list")) == 3
    assert ozon.violations == []


def test_ozon_answers_bad_credentials_like_ozon(client: httpx.Client) -> None:
    wrong_key = client.post("/v1/roles", headers={"Api-Key": "wrong"})
    not_a_number = client.post("/v1/roles", headers={"Client-Id": "abc"})

    assert wrong_key.status_code == 404
    assert wrong_key.json()["code"] == 5
    assert wrong_key.json()["message"].startswith("Invalid Api-Key")
    assert not_a_number.status_code == 400
    assert not_a_number.json()["code"] == 3


def test_ozon_enforces_rate_limit_with_retry_after(ozon: FakeOzon, client: httpx.Client) -> None:
    ozon.rate_limit_per_second = 2

    statuses = [client.post("/v1/roles").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert ozon.calls[-1]["status"] == 429
    assert client.post("/v1/seller/info").headers["Retry-After"] == "1"


# One valid request per path; the cancellation goes last because it changes the posting.
SAMPLE_REQUESTS: dict[str, dict[str, Any]] = {
    "/v4/posting/fbs/unfulfilled/list": {"filter": WINDOW, "limit": 100},
    "/v4/posting/fbs/list": {
        "filter": {"since": iso(NOW - timedelta(days=30)), "to": iso(NOW)},
        "limit": 100,
    },
    "/v3/posting/fbs/get": {"posting_number": POSTING},
    "/v1/roles": {},
    "/v1/seller/info": {},
    "/v1/posting/fbs/cancel-reason": {"related_posting_numbers": [POSTING]},
    "/v1/chat/start": {"posting_number": POSTING},
    "/v1/chat/send/message": {"chat_id": CHAT_ID, "text": "Здравствуйте!"},
    "/v3/chat/history": {"chat_id": CHAT_ID, "limit": 50},
    "/v1/posting/cutoff/set": {"posting_number": POSTING, "new_cutoff_date": iso(NOW)},
    "/v1/posting/fbs/timeslot/change-restrictions": {"posting_number": POSTING},
    "/v1/posting/fbs/timeslot/set": {
        "posting_number": POSTING,
        "new_timeslot": {"from": iso(NOW), "to": iso(NOW + timedelta(hours=2))},
    },
    "/v2/warehouse/list": {"limit": 50},
    "/v2/product/info/stocks-by-warehouse/fbs": {"sku": ["1000000001"], "limit": 1000},
    "/v1/rating/index/fbs/info": {},
    "/v4/posting/fbs/ship": {
        "posting_number": POSTING,
        "packages": [{"products": [{"product_id": 1_000_000_001, "quantity": 1}]}],
    },
    "/v2/posting/fbs/product/cancel": {
        "posting_number": POSTING,
        "cancel_reason_id": 352,
        "cancel_reason_message": "short",
        "items": [{"sku": 1_000_000_001, "quantity": 1}],
    },
    "/v2/posting/fbs/cancel": {"posting_number": POSTING, "cancel_reason_id": 352},
    "/v2/fbs/posting/tracking-number/set": {
        "tracking_numbers": [{"posting_number": POSTING, "tracking_number": "TRK1"}]
    },
    "/v2/fbs/posting/delivering": {"posting_number": [POSTING]},
    "/v2/fbs/posting/last-mile": {"posting_number": [POSTING]},
    "/v2/fbs/posting/delivered": {"posting_number": [POSTING]},
    "/v3/posting/multiboxqty/set": {"posting_number": POSTING, "multi_box_qty": 2},
}


def test_ozon_serves_spec_shaped_responses(ozon: FakeOzon, client: httpx.Client) -> None:
    assert SAMPLE_REQUESTS.keys() == SPEC.keys()
    tariffication = {
        "current_tariff_rate": 2.0,
        "current_tariff_type": "commission",
        "current_tariff_charge": {"amount": "100", "currency": "RUB"},
        "next_tariff_starts_at": iso(NOW + timedelta(days=1)),
    }
    ozon.set_postings(
        CLIENT_ID,
        [
            FakeOzon.make_posting(
                POSTING,
                NOW + timedelta(hours=3),
                available_actions=(
                    "cancel",
                    "can_create_chat",
                    "set_cutoff",
                    "product_cancel",
                    "ship_async_retry",
                ),
                tariffication=tariffication,
            ),
            FakeOzon.make_posting("87654321-0001-1", NOW - timedelta(days=2), status="delivered"),
        ],
    )
    ozon.update_posting(CLIENT_ID, "87654321-0001-1", status="cancelled")

    for path, body in SAMPLE_REQUESTS.items():
        response = client.post(path, json=body)
        assert response.status_code == 200, (path, response.text)
        validator = Draft7Validator(SPEC[path]["response"], format_checker=FORMATS)
        assert [error.message for error in validator.iter_errors(response.json())] == [], path
    assert ozon.violations == []
    assert ozon.postings(CLIENT_ID)[0]["status"] == "cancelled"


def test_ozon_keeps_buyer_chats(ozon: FakeOzon, client: httpx.Client) -> None:
    ozon.set_postings(CLIENT_ID, [FakeOzon.make_posting(POSTING, NOW)])
    question = ozon.buyer_writes(CLIENT_ID, POSTING, "Where is my order?")
    started = client.post("/v1/chat/start", json={"posting_number": POSTING}).json()
    sent = client.post("/v1/chat/send/message", json={"chat_id": CHAT_ID, "text": "Today"})
    thanks = ozon.buyer_writes(CLIENT_ID, POSTING, "Thanks")
    unknown = client.post("/v1/chat/send/message", json={"chat_id": "nope", "text": "Hi"})

    def history(**body: Any) -> tuple[list[int], bool]:
        page = client.post("/v3/chat/history", json={"chat_id": CHAT_ID, **body}).json()
        return [m["message_id"] for m in page["messages"]], page["has_next"]

    assert started["result"]["chat_id"] == CHAT_ID
    assert sent.json() == {"result": "success"}
    assert (unknown.status_code, unknown.json()["code"]) == (404, 5)
    messages = ozon.chat_messages(CLIENT_ID, POSTING)
    answer = messages[1]["message_id"]
    assert [m["user"] for m in messages] == [
        {"id": "buyer-1", "type": "Customer"},
        {"id": CLIENT_ID, "type": "Seller"},
        {"id": "buyer-1", "type": "Customer"},
    ]
    assert [m["data"] for m in messages] == [["Where is my order?"], ["Today"], ["Thanks"]]
    assert question < answer < thanks
    assert history(limit=2) == ([thanks, answer], True)
    assert history(from_message_id=answer) == ([question], False)
    assert history(direction="Forward", from_message_id=question, limit=1) == ([answer], True)
    assert history(direction="Forward", from_message_id=0) == ([question, answer, thanks], False)
    assert ozon.violations == []

    ozon.handlers["/v3/chat/history"] = lambda client_id, body: (200, {"has_next": False})
    assert client.post("/v3/chat/history", json={"chat_id": CHAT_ID}).json() == {"has_next": False}


def run_with_bot(fake: FakeTelegram, call: Callable[[Bot], Awaitable[T]]) -> T:
    async def run() -> T:
        session = AiohttpSession(api=TelegramAPIServer.from_base(fake.url))
        async with Bot(fake.token, session=session) as bot:
            return await call(bot)

    return asyncio.run(run())


def keyboard(callback_data: str) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(text="Cancel posting", callback_data=callback_data)
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


def test_telegram_accepts_what_aiogram_sends(telegram: FakeTelegram) -> None:
    text = "<b>" + "ж" * 4096 + "</b>"  # tags do not count towards the 4096 characters
    markup = keyboard("ж" * 32)  # 64 bytes of callback_data

    message = run_with_bot(
        telegram, lambda bot: bot.send_message(42, text, parse_mode="HTML", reply_markup=markup)
    )

    assert message.message_id == 1
    assert message.text == "ж" * 4096
    assert telegram.texts(42) == [text]
    assert telegram.messages[42][1]["reply_markup"] == markup.model_dump(exclude_none=True)
    assert telegram.violations == []


# One bot session for all cases: closing an aiogram session costs a quarter of a second.
REJECTED = [
    ("Overdue", "ж" * 32 + "!", "BUTTON_DATA_INVALID"),  # 65 bytes
    ("x" * 4097, "ok", "too long"),
    ("<div>late</div>", "ok", "can't parse entities"),
    ("<b>late", "ok", "can't parse entities"),
    ("5 < 6", "ok", "can't parse entities"),
]


def test_telegram_rejects_what_telegram_would(telegram: FakeTelegram) -> None:
    async def send_each(bot: Bot) -> list[str]:
        outcomes = []
        for text, callback_data, _ in REJECTED:
            try:
                markup = keyboard(callback_data)
                await bot.send_message(42, text, parse_mode="HTML", reply_markup=markup)
                outcomes.append("accepted")
            except TelegramBadRequest as refusal:
                outcomes.append(refusal.message)
        return outcomes

    outcomes = run_with_bot(telegram, send_each)

    for (_, _, problem), outcome in zip(REJECTED, outcomes, strict=True):
        assert problem in outcome
    assert len(telegram.violations) == len(REJECTED)
    assert telegram.messages == {}


def test_telegram_delivers_user_updates_to_aiogram(telegram: FakeTelegram) -> None:
    async def exchange(bot: Bot) -> list[Any]:
        await bot.send_message(42, "Posting overdue", reply_markup=keyboard("cancel:1"))
        telegram.user_message(42, "/start now")
        telegram.press(42, 1, "cancel:1")
        return await bot.get_updates(timeout=1)

    command, press = run_with_bot(telegram, exchange)

    assert command.message.text == "/start now"
    assert command.message.entities[0].length == len("/start")
    assert press.callback_query.data == "cancel:1"
    assert press.callback_query.message.text == "Posting overdue"
    assert telegram.violations == []


def test_telegram_sends_documents_in_reply(telegram: FakeTelegram) -> None:
    async def send(bot: Bot) -> Any:
        await bot.send_message(42, "Posting overdue")
        report = BufferedInputFile(b"posting;due\n", filename="report.csv")
        reply = ReplyParameters(message_id=1)
        return await bot.send_document(42, report, caption="Report", reply_parameters=reply)

    message = run_with_bot(telegram, send)

    assert message.document.file_name == "report.csv"
    assert message.caption == "Report"
    stored = telegram.messages[42][message.message_id]
    assert stored["document"] == {"filename": "report.csv", "content": b"posting;due\n"}
    assert (stored["text"], stored["reply_to"]) == ("Report", 1)
    assert telegram.calls_to("sendDocument")[0]["params"]["document"].startswith("attach://")
    assert telegram.violations == []


def test_telegram_refuses_replies_to_missing_messages(telegram: FakeTelegram) -> None:
    async def send(bot: Bot) -> tuple[str, int]:
        try:
            await bot.send_message(42, "Answer", reply_parameters=ReplyParameters(message_id=7))
            refusal = "accepted"
        except TelegramBadRequest as error:
            refusal = error.message
        lenient = ReplyParameters(message_id=7, allow_sending_without_reply=True)
        sent = await bot.send_message(42, "Answer", reply_parameters=lenient)
        return refusal, sent.message_id

    refusal, message_id = run_with_bot(telegram, send)

    assert refusal == "Bad Request: message to be replied not found"
    assert telegram.messages[42][message_id]["reply_to"] is None
    assert len(telegram.messages[42]) == 1
