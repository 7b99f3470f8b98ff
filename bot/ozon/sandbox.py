"""The sandbox store: a built-in sample Seller API served in-process, so anyone can try the bot
before trusting it with a key. Its deadlines count from the moment it was connected (carried in
its "API key"), so alerts arrive soon and then progress like real ones."""

from __future__ import annotations

import hashlib
import itertools
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from bot.clock import utcnow
from bot.ozon.transport import wire_time
from bot.security.bounded import LruMap

KEY_PREFIX = "sandbox:"
REASONS = (
    {"id": 352, "title": "The goods ran out at the seller's warehouse", "type_id": "seller"},
    {"id": 402, "title": "Other (seller's fault)", "type_id": "seller"},
)
SAMPLE_ANSWER = "Здравствуйте! Хорошо, я подожду."
# An order that comes in a minute after the connection, told by a simulated push notification
# (bot/push/sample.py), so the sample store shows how push looks: its alert comes at once.
PUSHED_SAMPLE = "10000006-0001-1"
PUSHED_AFTER = timedelta(minutes=1)
# Anyone may connect the sample store, as often as they like: what it remembers is bounded.
MAX_CANCELLED = 20_000  # sample postings cancelled, over every sample store
MAX_CHATS = 5_000  # sample buyer chats
MAX_CHAT_MESSAGES = 40  # per chat, the newest kept


@dataclass(frozen=True)
class _Sample:
    number: str
    due_in: timedelta
    status: str
    products: tuple[tuple[str, str, int, str], ...]  # name, offer_id, quantity, price
    handed_over_after: timedelta | None = None
    appears_after: timedelta | None = None  # an order that comes in after the connection


SAMPLES = (
    _Sample(
        "10000001-0001-1",
        timedelta(hours=30),
        "awaiting_packaging",
        (("Wireless earbuds", "EB-200", 1, "2490.00"),),
    ),
    _Sample(
        "10000002-0001-1",
        timedelta(hours=3),
        "awaiting_packaging",
        (("Phone case", "CASE-12", 2, "590.00"), ("Screen protector", "GLASS-12", 1, "390.00")),
    ),
    _Sample(
        "10000003-0001-1",
        timedelta(minutes=50),
        "awaiting_deliver",
        (("Desk lamp", "LAMP-7", 1, "1890.00"),),
    ),
    _Sample(
        "10000004-0001-1",
        timedelta(hours=-2),
        "awaiting_packaging",
        (("Yoga mat", "MAT-183", 1, "1290.00"),),
    ),
    _Sample(
        "10000005-0001-1",
        timedelta(hours=2),
        "awaiting_deliver",
        (("Water bottle", "BOTTLE-1", 1, "790.00"),),
        handed_over_after=timedelta(minutes=5),
    ),
    _Sample(
        PUSHED_SAMPLE,
        timedelta(hours=3, minutes=30),
        "awaiting_packaging",
        (("Power bank", "PB-10", 1, "1990.00"),),
        appears_after=PUSHED_AFTER,
    ),
)


def sandbox_key(anchor: datetime) -> str:
    """The sample store's "API key": when it was connected, and a random part, so that two
    people's sample stores never share cancellations or buyer chats."""
    return f"{KEY_PREFIX}{int(anchor.timestamp())}:{secrets.token_hex(8)}"


class SandboxTransport(httpx.AsyncBaseTransport):
    """Answers the Seller API methods the bot uses. Actions change only this process's
    memory: a cancelled sample stays cancelled until restart; a message to the sample buyer
    gets a polite answer, so the relay can be seen too."""

    def __init__(self, clock: Callable[[], datetime] = utcnow):
        self._clock = clock
        self._cancelled: LruMap[tuple[str, str], str] = LruMap(MAX_CANCELLED)  # -> reason
        self._chats: LruMap[str, list[dict[str, Any]]] = LruMap(MAX_CHATS)  # id -> messages
        self._message_ids = itertools.count(1)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = request.headers.get("Api-Key", "")
        connected_at = key[len(KEY_PREFIX) :].split(":", 1)[0]
        if not key.startswith(KEY_PREFIX) or not connected_at.isdigit() or len(connected_at) > 12:
            return _error(404, 5, "Invalid Api-Key, please check the key and try again")
        anchor = datetime.fromtimestamp(int(connected_at), self._clock().tzinfo)
        body = json.loads(request.content or b"{}")
        route = self._routes().get(request.url.path)
        if route is None:
            # 400, not 404: a 404 would read as Ozon switching the method off (MethodGone).
            return _error(400, 3, "This method is not available in the sample store")
        return route(key, anchor, body)

    def _routes(self) -> dict[str, Callable[[str, datetime, dict[str, Any]], httpx.Response]]:
        return {
            "/v1/roles": self._roles,
            "/v1/seller/info": lambda key, anchor, body: _ok(
                {"company": {"name": "Sample store"},
                 "subscription": {"is_premium": True, "type": "PREMIUM_PLUS"}}
            ),
            "/v4/posting/fbs/unfulfilled/list": self._unfulfilled,
            "/v3/posting/fbs/get": self._get_posting,
            "/v4/posting/fbs/list": lambda key, anchor, body: _ok(
                {"postings": [p for p in self._postings(key, anchor)
                              if not p["status"].startswith("awaiting")],
                 "has_next": False, "cursor": ""}
            ),
            "/v1/posting/fbs/cancel-reason": lambda key, anchor, body: _ok(
                {"result": [{"posting_number": number, "reasons": list(REASONS)}
                            for number in body.get("related_posting_numbers", [])]}
            ),
            "/v2/posting/fbs/cancel": self._cancel,
            # No stock lines (unknown is never warned of): a stock warning would confuse a tour.
            "/v2/product/info/stocks-by-warehouse/fbs": lambda key, anchor, body: _ok(
                {"products": [], "has_next": False, "cursor": ""}
            ),
            "/v1/chat/start": lambda key, anchor, body: _ok(
                {"result": {"chat_id": _chat_id(key, body.get("posting_number", ""))}}
            ),
            "/v1/chat/send/message": self._send,
            "/v3/chat/history": lambda key, anchor, body: _ok(
                {"messages": list(reversed(self._chats.get(body.get("chat_id", "")) or [])),
                 "has_next": False}
            ),
        }  # fmt: skip

    @staticmethod
    def _roles(key: str, anchor: datetime, body: dict[str, Any]) -> httpx.Response:
        methods = ["/v4/posting/fbs/unfulfilled/list", "/v4/posting/fbs/list"]
        return _ok(
            {
                "expires_at": wire_time(anchor + timedelta(days=3650)),
                "roles": [{"name": "Sandbox", "methods": methods}],
            }
        )

    def _unfulfilled(self, key: str, anchor: datetime, body: dict[str, Any]) -> httpx.Response:
        window = body.get("filter", {})
        low = datetime.fromisoformat(window["cutoff_from"])
        high = datetime.fromisoformat(window["cutoff_to"])
        postings = [
            p
            for p in self._postings(key, anchor)
            if p["status"].startswith("awaiting")
            and low <= datetime.fromisoformat(p["shipment_date"]) <= high
        ]
        return _ok({"postings": postings, "count": len(postings), "has_next": False, "cursor": ""})

    def _get_posting(self, key: str, anchor: datetime, body: dict[str, Any]) -> httpx.Response:
        number = body.get("posting_number")
        found = next((p for p in self._postings(key, anchor) if p["posting_number"] == number),
                     None)  # fmt: skip
        if found is None:
            return _error(404, 5, "posting not found")
        return _ok({"result": found})

    def _cancel(self, key: str, anchor: datetime, body: dict[str, Any]) -> httpx.Response:
        reason = next(
            (str(r["title"]) for r in REASONS if r["id"] == body.get("cancel_reason_id")), ""
        )
        self._cancelled.put(
            (key, body.get("posting_number", "")), body.get("cancel_reason_message") or reason
        )
        return _ok({"result": True})

    def _send(self, key: str, anchor: datetime, body: dict[str, Any]) -> httpx.Response:
        chat_id = body.get("chat_id", "")
        if not chat_id.startswith(_chat_id(key, "")):
            return _error(404, 5, "Chat not found")  # another sample store's chat
        chat = self._chats.get_or_put(chat_id, list)
        now = wire_time(self._clock())
        for user, text in (("Seller", body.get("text", "")), ("Customer", SAMPLE_ANSWER)):
            chat.append(
                {"message_id": next(self._message_ids), "user": {"id": user, "type": user},
                 "created_at": now, "data": [text]}
            )  # fmt: skip
        del chat[:-MAX_CHAT_MESSAGES]
        return _ok({"result": "success"})

    def _postings(self, key: str, anchor: datetime) -> list[dict[str, Any]]:
        now = self._clock()
        postings = []
        for sample in SAMPLES:
            if sample.appears_after is not None and now < anchor + sample.appears_after:
                continue
            posting = _posting(sample, anchor, now)
            reason = self._cancelled.get((key, sample.number))
            if reason is not None:
                cancellation = {
                    "cancel_reason": reason,
                    "cancellation_initiator": "Seller",
                    "cancellation_type": "seller",
                    "affect_cancellation_rating": True,
                }
                posting.update(status="cancelled", available_actions=[], cancellation=cancellation)
            postings.append(posting)
        return postings


def _chat_id(key: str, posting_number: str) -> str:
    """A sample buyer chat of one sample store: the store's part is a digest of its key."""
    store = hashlib.blake2b(key.encode(), digest_size=6).hexdigest()
    return f"sample-{store}-{posting_number}"


def _posting(sample: _Sample, anchor: datetime, now: datetime) -> dict[str, Any]:
    handed_over = sample.handed_over_after is not None and now >= anchor + sample.handed_over_after
    return {
        "posting_number": sample.number,
        "order_number": sample.number.rsplit("-", 1)[0],
        "status": "delivering" if handed_over else sample.status,
        "substatus": "",
        "shipment_date": wire_time(anchor + sample.due_in),
        "shipment_date_without_delay": wire_time(anchor + sample.due_in + timedelta(days=1)),
        "in_process_at": wire_time(anchor - timedelta(hours=6)),
        "tpl_integration_type": "ozon",
        "available_actions": ["cancel", "can_create_chat"],
        "delivery_method": {
            "id": 1,
            "name": "Sample pick-up",
            "warehouse_id": 1,
            "warehouse": "Sample warehouse",
        },
        "products": [
            {
                "sku": 100 + index,
                "offer_id": offer_id,
                "name": name,
                "quantity": quantity,
                "price": {"amount": price, "currency": "RUB"},
            }
            for index, (name, offer_id, quantity, price) in enumerate(sample.products)
        ],
    }


def _ok(data: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, json=data)


def _error(status: int, code: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"code": code, "message": message, "details": []})
