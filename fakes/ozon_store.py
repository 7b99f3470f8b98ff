"""A seller's store as FakeOzon keeps it, and the endpoints about the store beyond its postings:
the key's roles, the seller, warehouses, stock, the rating index and the chats with buyers.
FakeOzon (fakes/ozon.py) takes these endpoints as a mixin.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fakes.ozon_spec import Json, Reply, error, iso

CHAT_SUBSCRIPTIONS = frozenset({"PREMIUM_PLUS", "PREMIUM_PRO"})
EVERY_DAY = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]


@dataclass
class Store:
    client_id: str
    api_key: str
    name: str
    roles: list[Json]
    expires_at: str
    subscription: str
    postings: list[Json] = field(default_factory=list)
    # Kept beside the postings: the posting schema has no such field, the list filter does.
    status_changed_at: dict[str, datetime] = field(default_factory=dict)
    # Working days by warehouse id (Ozon's names: "MONDAY" …); unlisted warehouses work daily.
    working_days: dict[int, list[str]] = field(default_factory=dict)
    # (sku, warehouse) -> (present, reserved); reserved None: what its postings not yet handed
    # over hold, as Ozon reserves a posting's units when it is ordered.
    stock: dict[tuple[int, int], tuple[int, int | None]] = field(default_factory=dict)
    stock_page_size: int = 1000
    # chat_id -> {"posting_number": str, "messages": [message, oldest first]}
    chats: dict[str, Json] = field(default_factory=dict)

    def chat(self, posting_number: str) -> Json:
        return self.chats.setdefault(
            StoreEndpoints.chat_id(posting_number),
            {"posting_number": posting_number, "messages": []},
        )

    def posting(self, posting_number: object) -> Json | None:
        return next((p for p in self.postings if p["posting_number"] == posting_number), None)


class StoreEndpoints:
    def __init__(self) -> None:
        super().__init__()
        self._message_ids = itertools.count(1)

    @staticmethod
    def chat_id(posting_number: str) -> str:
        """The chat id /v1/chat/start gives for the posting, the same on every call."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, posting_number))

    @staticmethod
    def _roles(store: Store, body: Json) -> Reply:
        return 200, {"expires_at": store.expires_at, "roles": store.roles}

    @staticmethod
    def _seller_info(store: Store, body: Json) -> Reply:
        company = {
            "name": store.name,
            "legal_name": store.name,
            "currency": "RUB",
            "country": "RU",
            "inn": "7700000000",
            "ogrn": "1",
            "ownership_form": "",
            "tax_system": "UNKNOWN",  # the schema's enum has no empty value
        }
        subscription = {"is_premium": True, "type": store.subscription}
        return 200, {"company": company, "ratings": [], "subscription": subscription}

    def _add_message(self, chat: Json, user: Json, text: str) -> int:
        message = {
            "message_id": next(self._message_ids),
            "user": user,
            "created_at": iso(datetime.now(UTC)),
            "data": [text],
            "is_read": False,
            "is_image": False,
            "context": {"order_number": chat["posting_number"].rsplit("-", 1)[0], "sku": ""},
        }
        chat["messages"].append(message)
        return message["message_id"]

    @staticmethod
    def _chat_start(store: Store, body: Json) -> Reply:
        if store.subscription not in CHAT_SUBSCRIPTIONS:
            return 403, error(7, "Premium Plus or Premium Pro subscription is required")
        posting = store.posting(body["posting_number"])
        if posting is None:
            return 404, error(5, "posting not found")
        if "can_create_chat" not in posting["available_actions"]:
            return 403, error(7, "chat with the customer is not available for this posting")
        store.chat(posting["posting_number"])
        return 200, {"result": {"chat_id": StoreEndpoints.chat_id(posting["posting_number"])}}

    def _chat_send(self, store: Store, body: Json) -> Reply:
        chat = store.chats.get(body["chat_id"])
        if chat is None:
            return 404, error(5, "chat not found")
        self._add_message(chat, {"id": store.client_id, "type": "Seller"}, body["text"])
        return 200, {"result": "success"}

    @staticmethod
    def _chat_history(store: Store, body: Json) -> Reply:
        chat = store.chats.get(body["chat_id"])
        if chat is None:
            return 404, error(5, "chat not found")
        messages = chat["messages"]
        wanted = {int(i) for i in (body.get("filter") or {}).get("message_ids", ())}
        if wanted:
            messages = [m for m in messages if m["message_id"] in wanted]
        start = body.get("from_message_id")
        if body.get("direction", "Backward") == "Forward":
            messages = [m for m in messages if start is None or m["message_id"] > start]
        else:
            messages = [m for m in reversed(messages) if start is None or m["message_id"] < start]
        limit = body.get("limit", 50)
        page = [dict(message) for message in messages[:limit]]
        return 200, {"has_next": len(messages) > limit, "messages": page}

    @staticmethod
    def _warehouses(store: Store, body: Json) -> Reply:
        known = {
            p["delivery_method"]["warehouse_id"]: p["delivery_method"]["warehouse"]
            for p in store.postings
        } or {1001: "Main warehouse"}
        warehouses = [
            {
                "warehouse_id": warehouse_id,
                "name": name,
                # A warehouse ships by rFBS when its postings are delivered other than by Ozon.
                "is_rfbs": any(
                    p["delivery_method"]["warehouse_id"] == warehouse_id
                    and p.get("tpl_integration_type") not in (None, "", "ozon")
                    for p in store.postings
                ),
                "working_days": store.working_days.get(warehouse_id, EVERY_DAY),
                "address_info": {"utc": "Europe/Moscow"},
            }
            for warehouse_id, name in known.items()
        ]
        return 200, {"warehouses": warehouses, "has_next": False, "cursor": ""}

    @staticmethod
    def _stocks(store: Store, body: Json) -> Reply:
        asked = {int(sku) for sku in body.get("sku", [])}
        lines = [
            StoreEndpoints._stock_line(store, sku, warehouse_id, present, reserved)
            for (sku, warehouse_id), (present, reserved) in sorted(store.stock.items())
            if sku in asked
        ]
        start = int(body.get("cursor") or 0)
        end = start + min(int(body["limit"]), store.stock_page_size)
        return 200, {"products": lines[start:end], "has_next": end < len(lines),
                     "cursor": str(end) if end < len(lines) else ""}  # fmt: skip

    @staticmethod
    def _stock_line(
        store: Store, sku: int, warehouse_id: int, present: int, reserved: int | None
    ) -> Json:
        if reserved is None:
            reserved = sum(
                product.get("quantity", 1)
                for posting in store.postings
                if posting.get("status") in ("awaiting_packaging", "awaiting_deliver")
                and (posting.get("delivery_method") or {}).get("warehouse_id") == warehouse_id
                for product in posting.get("products", [])
                if product.get("sku") == sku
            )
        return {"sku": sku, "offer_id": f"OFFER-{sku % 1000}", "product_id": sku,
                "warehouse_id": warehouse_id, "warehouse_name": "Main warehouse",
                "present": present, "reserved": reserved,
                "free_stock": max(present - reserved, 0)}  # fmt: skip

    @staticmethod
    def _rating_index(store: Store, body: Json) -> Reply:
        today = datetime.now(UTC).date()
        return 200, {
            "index": 0.0,
            "currency_code": "RUB",
            "defects": [],
            "processing_costs_sum": 0.0,
            "period_from": (today - timedelta(days=14)).isoformat(),
            "period_to": today.isoformat(),
        }
