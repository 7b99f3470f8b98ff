"""A fake Ozon Seller API: a real HTTP server that checks every request against the spec.

Shapes follow tests/specs/ozon.json (extracted from the official OpenAPI file); behaviour the
spec leaves out (auth errors, the cutoff-window rule, rate limits) follows shared/DOMAIN.md §2.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from jsonschema import Draft7Validator, FormatChecker

from fakes._server import BackgroundServer

Json = dict[str, Any]
Reply = tuple[int, Json | str]
Handler = Callable[[str, Json], Reply]

SPEC: dict[str, Json] = json.loads(
    (Path(__file__).resolve().parents[1] / "tests" / "specs" / "ozon.json").read_text(
        encoding="utf-8"
    )
)["paths"]

# Not yet handed over: what /v4/posting/fbs/unfulfilled/list returns.
UNFULFILLED_STATUSES = frozenset(
    {
        "awaiting_registration",
        "acceptance_in_progress",
        "awaiting_approve",
        "awaiting_packaging",
        "awaiting_deliver",
        "arbitration",
        "client_arbitration",
    }
)
SUBSTATUS = {
    "awaiting_registration": "posting_awaiting_registration",
    "acceptance_in_progress": "posting_acceptance_in_progress",
    "awaiting_packaging": "posting_created",
    "awaiting_deliver": "posting_transferring_to_delivery",
    "arbitration": "posting_in_arbitration",
    "client_arbitration": "posting_in_client_arbitration",
    "delivering": "posting_in_carriage",
    "delivered": "posting_delivered",
    "cancelled": "posting_canceled",
}
# The reasons of the spec's own example, as /v1/posting/fbs/cancel-reason offers them.
CANCEL_REASONS = (
    {"id": 352, "title": "The goods ran out at the seller's warehouse", "type_id": "seller"},
    {"id": 400, "title": "Only defective goods remained", "type_id": "seller"},
    {"id": 402, "title": "Other (seller's fault)", "type_id": "seller"},
)
CHAT_SUBSCRIPTIONS = frozenset({"PREMIUM_PLUS", "PREMIUM_PRO"})
PAGED_PATHS = frozenset({"/v4/posting/fbs/unfulfilled/list", "/v4/posting/fbs/list"})

RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time")
def is_rfc3339(value: object) -> bool:
    return not isinstance(value, str) or parse_time(value) is not None


@FORMATS.checks("int64")
def is_int64(value: object) -> bool:
    # Ozon's proto-JSON sends 64-bit ids as decimal strings; a string must still be a number.
    return not isinstance(value, str) or re.fullmatch(r"-?\d+", value, re.ASCII) is not None


@FORMATS.checks("uint64")
def is_uint64(value: object) -> bool:
    return not isinstance(value, str) or (value.isascii() and value.isdigit())


VALIDATORS = {
    path: Draft7Validator(schemas["request"], format_checker=FORMATS)
    for path, schemas in SPEC.items()
}


def parse_time(value: str) -> datetime | None:
    if not RFC3339.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value.upper())
    except ValueError:  # e.g. February 30th
        return None


def utc(moment: datetime) -> datetime:
    """Naive datetimes from tests are taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """Ozon's style: UTC with milliseconds and 'Z'."""
    moment = utc(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def error(code: int, message: str) -> Json:
    return {"code": code, "message": message, "details": []}


def undeclared_fields(value: Any, schema: Json, where: str = "") -> Iterator[str]:
    """No Ozon schema sets additionalProperties: false, so a misspelt field would slip through."""
    if isinstance(value, dict):
        if "additionalProperties" in schema or (
            schema.get("type") != "object" and "properties" not in schema
        ):
            return  # a map, or an untyped schema below a recursion cut
        declared = schema.get("properties", {})
        for key, item in value.items():
            name = f"{where}.{key}" if where else key
            if key in declared:
                yield from undeclared_fields(item, declared[key], name)
            else:
                yield name
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            yield from undeclared_fields(item, schema["items"], f"{where}[{index}]")


def window_problems(filter_: Json, start: str, end: str) -> list[str]:
    since, until = (parse_time(str(filter_.get(key, ""))) for key in (start, end))
    if since and until and since > until:
        return [f"filter.{start} is after filter.{end}"]
    return []


def unfulfilled_rules(body: Json) -> list[str]:
    filter_ = body.get("filter") or {}
    cutoff = [key for key in ("cutoff_from", "cutoff_to") if key in filter_]
    delivering = [key for key in ("delivering_date_from", "delivering_date_to") if key in filter_]
    if cutoff and delivering:
        return ["filter combines a cutoff window with a delivering_date window"]
    if len(cutoff) == 2:
        return window_problems(filter_, *cutoff)
    if len(delivering) == 2:
        return window_problems(filter_, *delivering)
    return ["filter needs cutoff_from and cutoff_to (or delivering_date_from and _to)"]


def list_rules(body: Json) -> list[str]:
    filter_ = body.get("filter") or {}
    since, until = (parse_time(str(filter_.get(key, ""))) for key in ("since", "to"))
    if since and until and not timedelta(0) <= until - since <= timedelta(days=365):
        return ["filter.since..filter.to must be ordered and at most one year apart"]
    return []


def cancel_rules(body: Json) -> list[str]:
    if body.get("cancel_reason_id") == 402 and not body.get("cancel_reason_message"):
        return ["cancel_reason_id 402 (other) requires cancel_reason_message"]
    return []


def chat_message_rules(body: Json) -> list[str]:
    if not 1 <= len(str(body.get("text", ""))) <= 1000:
        return ["text must be 1-1000 characters"]
    return []


def chat_history_rules(body: Json) -> list[str]:
    direction = body.get("direction", "Backward")
    if direction not in ("Forward", "Backward"):
        return ["direction must be Forward or Backward"]
    if direction == "Forward" and "from_message_id" not in body:
        return ["from_message_id is required for direction Forward"]
    if not 1 <= body.get("limit", 50) <= 1000:
        return ["limit must be 1-1000"]
    return []


# What Ozon enforces beyond the schema.
EXTRA_RULES: dict[str, Callable[[Json], list[str]]] = {
    "/v4/posting/fbs/unfulfilled/list": unfulfilled_rules,
    "/v4/posting/fbs/list": list_rules,
    "/v2/posting/fbs/cancel": cancel_rules,
    "/v1/chat/send/message": chat_message_rules,
    "/v3/chat/history": chat_history_rules,
}


def request_problems(path: str, body: Any) -> list[str]:
    if path not in SPEC:
        return [f"{path}: not a method the bot is expected to call"]
    if not isinstance(body, dict):
        return [f"{path}: the body is not a JSON object"]
    problems = [
        f"{path}: {'.'.join(map(str, failure.absolute_path)) or 'body'}: {failure.message}"
        for failure in VALIDATORS[path].iter_errors(body)
    ]
    problems += [
        f"{path}: {name} is not declared by the schema"
        for name in undeclared_fields(body, SPEC[path]["request"])
    ]
    rules = EXTRA_RULES.get(path)
    return problems + [f"{path}: {problem}" for problem in (rules(body) if rules else [])]


def v3_posting(posting: Json) -> Json:
    """/v3/posting/fbs/get flattens money: price as a string beside currency_code."""
    result = {**posting}
    result["products"] = [
        {
            **{key: value for key, value in product.items() if key != "price"},
            "price": product["price"]["amount"],
            "currency_code": product["price"]["currency"],
        }
        for product in posting["products"]
    ]
    if "tariffication" in posting:
        flat: Json = {}
        for key, value in posting["tariffication"].items():
            if key.endswith("_charge") and isinstance(value, dict):
                flat[key] = value["amount"]
                flat[f"{key}_currency_code"] = value["currency"]
            elif not key.endswith("_min_charge"):
                flat[key] = value
        result["tariffication"] = flat
    return result


@dataclass
class Injection:
    status: int
    body: Json | str
    headers: dict[str, str]
    delay: float


EVERY_DAY = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]


@dataclass
class Store:
    client_id: str
    api_key: str
    name: str
    roles: list[Json]
    expires_at: str
    subscription: str
    deactivated: bool = False
    postings: list[Json] = field(default_factory=list)
    # Kept beside the postings: the posting schema has no such field, the list filter does.
    status_changed_at: dict[str, datetime] = field(default_factory=dict)
    # Working days by warehouse id (Ozon's names: "MONDAY" …); unlisted warehouses work daily.
    working_days: dict[int, list[str]] = field(default_factory=dict)
    stock: dict[tuple[int, int], int] = field(default_factory=dict)  # (sku, warehouse) -> present
    # chat_id -> {"posting_number": str, "messages": [message, oldest first]}
    chats: dict[str, Json] = field(default_factory=dict)

    def chat(self, posting_number: str) -> Json:
        return self.chats.setdefault(
            FakeOzon.chat_id(posting_number), {"posting_number": posting_number, "messages": []}
        )

    def posting(self, posting_number: object) -> Json | None:
        return next((p for p in self.postings if p["posting_number"] == posting_number), None)


class FakeOzon(BackgroundServer):
    def __init__(self) -> None:
        super().__init__()
        self.violations: list[str] = []
        self.calls: list[Json] = []
        self.handlers: dict[str, Handler] = {}
        self.wrap_result = False
        self.latency = 0.0
        self.rate_limit_per_second: int | None = None
        self._stores: dict[str, Store] = {}
        self._injections: dict[str, deque[Injection]] = defaultdict(deque)
        self._recent: dict[str, deque[float]] = defaultdict(deque)
        self._message_ids = itertools.count(1)
        self._routes: dict[str, Callable[[Store, Json], Reply]] = {
            "/v4/posting/fbs/unfulfilled/list": self._unfulfilled_list,
            "/v4/posting/fbs/list": self._list,
            "/v3/posting/fbs/get": self._get,
            "/v1/roles": self._roles,
            "/v1/seller/info": self._seller_info,
            "/v1/posting/fbs/cancel-reason": self._cancel_reasons,
            "/v2/posting/fbs/cancel": self._cancel,
            "/v1/chat/start": self._chat_start,
            "/v1/chat/send/message": self._chat_send,
            "/v3/chat/history": self._chat_history,
            "/v1/posting/cutoff/set": self._set_cutoff,
            "/v1/posting/fbs/timeslot/change-restrictions": self._timeslot_restrictions,
            "/v1/posting/fbs/timeslot/set": lambda store, body: (200, {"result": True}),
            "/v2/warehouse/list": self._warehouses,
            "/v1/product/info/stocks-by-warehouse/fbs": self._stocks,
            "/v1/rating/index/fbs/info": self._rating_index,
        }

    # ----- test-facing API -----

    def add_store(
        self,
        client_id: str,
        api_key: str,
        *,
        name: str = "Test Store",
        roles: list[Json] | None = None,
        expires_at: str | None = None,
        subscription: str = "PREMIUM_PLUS",
    ) -> None:
        if roles is None:
            roles = [{"name": "Posting FBS", "methods": list(SPEC)}]
        if expires_at is None:
            expires_at = iso(datetime.now(UTC) + timedelta(days=90))
        with self._lock:
            self._stores[client_id] = Store(
                client_id, api_key, name, roles, expires_at, subscription
            )

    def set_stock(self, client_id: str, sku: int, warehouse_id: int, present: int) -> None:
        with self._lock:
            self._stores[client_id].stock[(sku, warehouse_id)] = present

    def set_working_days(self, client_id: str, warehouse_id: int, days: list[str]) -> None:
        with self._lock:
            self._stores[client_id].working_days[warehouse_id] = days

    def stores(self) -> list[Store]:
        with self._lock:
            return list(self._stores.values())

    def deactivate(self, client_id: str) -> None:
        with self._lock:
            self._stores[client_id].deactivated = True

    @staticmethod
    def make_posting(
        posting_number: str,
        shipment_date: datetime,
        *,
        status: str = "awaiting_packaging",
        products: list[Json] | None = None,
        warehouse: str = "Main warehouse",
        warehouse_id: int = 1001,
        available_actions: Iterable[str] = ("cancel", "can_create_chat"),
        tpl_integration_type: str = "ozon",
        in_process_at: datetime | None = None,
        shipment_date_without_delay: datetime | None = None,
        tariffication: Json | None = None,
    ) -> Json:
        """A posting shaped like posting.v4.PostingFbsUnfulfilledListResponse.Postings."""
        order_number = posting_number.rsplit("-", 1)[0]
        shipment_date = utc(shipment_date)
        if in_process_at is None:
            in_process_at = min(shipment_date, datetime.now(UTC)) - timedelta(days=1)
        if shipment_date_without_delay is None:
            shipment_date_without_delay = shipment_date + timedelta(days=1)
        if products is None:
            products = [
                {
                    "sku": 1_000_000_001,
                    "offer_id": "OFFER-1",
                    "name": "Test product",
                    "quantity": 1,
                    "price": {"amount": "1200.00", "currency": "RUB"},
                }
            ]
        posting: Json = {
            "posting_number": posting_number,
            "order_id": int(re.sub(r"\D", "", order_number) or 0),
            "order_number": order_number,
            "status": status,
            "substatus": SUBSTATUS.get(status, ""),
            "delivery_method": {
                "id": warehouse_id * 10 + 1,
                "name": f"Ozon self-shipment, {warehouse}",
                "warehouse_id": warehouse_id,
                "warehouse": warehouse,
                "tpl_provider": "Ozon Delivery",
                "tpl_provider_id": 24,
            },
            "delivery_schema": "fbs" if tpl_integration_type == "ozon" else "rfbs",
            "tracking_number": "",
            "tpl_integration_type": tpl_integration_type,
            "in_process_at": iso(in_process_at),
            "shipment_date": iso(shipment_date),
            "shipment_date_without_delay": iso(shipment_date_without_delay),
            "products": products,
            "available_actions": list(available_actions),
            "tariffication_steps": [],
            "is_express": False,
            "is_multibox": False,
            "multi_box_qty": 1,
            "parent_posting_number": "",
        }
        if tariffication is not None:
            posting["tariffication"] = tariffication
        return posting

    def set_postings(self, client_id: str, postings: list[Json]) -> None:
        with self._lock:
            store = self._stores[client_id]
            store.postings = [dict(posting) for posting in postings]
            store.status_changed_at = {
                p["posting_number"]: parse_time(p["in_process_at"]) or datetime.now(UTC)
                for p in store.postings
            }

    def update_posting(self, client_id: str, posting_number: str, **fields: Any) -> Json:
        """Change fields (datetimes become ISO strings); a new status moves its change time."""
        with self._lock:
            store = self._stores[client_id]
            posting = store.posting(posting_number)
            if posting is None:
                raise KeyError(f"store {client_id} has no posting {posting_number}")
            fields = {k: iso(v) if isinstance(v, datetime) else v for k, v in fields.items()}
            new_status = fields.get("status", posting["status"])
            if new_status != posting["status"]:
                store.status_changed_at[posting_number] = datetime.now(UTC)
                fields.setdefault("substatus", SUBSTATUS.get(new_status, ""))
            if new_status == "cancelled" and "cancellation" not in posting:
                # The empty cancellation of the spec's example; tests pass a real one.
                fields.setdefault(
                    "cancellation",
                    {
                        "cancel_reason_id": 0,
                        "cancel_reason": "",
                        "cancellation_type": "",
                        "cancellation_initiator": "",
                        "affect_cancellation_rating": False,
                        "cancelled_after_ship": False,
                    },
                )
            posting.update(fields)
            return dict(posting)

    @staticmethod
    def chat_id(posting_number: str) -> str:
        """The chat id /v1/chat/start gives for the posting, the same on every call."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, posting_number))

    def buyer_writes(self, client_id: str, posting_number: str, text: str) -> int:
        """The buyer writes in the posting's chat (opened if need be); returns the message_id."""
        with self._lock:
            chat = self._stores[client_id].chat(posting_number)
            return self._add_message(chat, {"id": "buyer-1", "type": "Customer"}, text)

    def chat_messages(self, client_id: str, posting_number: str) -> list[Json]:
        """The posting's chat, oldest first; empty when no chat was opened."""
        with self._lock:
            chat = self._stores[client_id].chats.get(self.chat_id(posting_number))
            return [dict(message) for message in chat["messages"]] if chat else []

    def postings(self, client_id: str) -> list[Json]:
        with self._lock:
            return [dict(posting) for posting in self._stores[client_id].postings]

    def inject(
        self,
        path: str,
        status: int,
        body: Json | str,
        times: int = 1,
        headers: dict[str, str] | None = None,
        delay: float = 0,
    ) -> None:
        with self._lock:
            for _ in range(times):
                self._injections[path].append(Injection(status, body, headers or {}, delay))

    def calls_to(self, path: str) -> list[Json]:
        with self._lock:
            return [call for call in self.calls if call["path"] == path]

    def summary(self) -> str:
        with self._lock:
            lines = [
                f"{call['status']} {call['path']} {call['client_id']} {str(call['body'])[:300]}"
                for call in self.calls
            ]
            lines += [f"violation: {violation}" for violation in self.violations]
        return "\n".join(lines) or "no calls"

    # ----- HTTP -----

    def make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{path:.*}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        path = "/" + request.match_info["path"]
        client_id = request.headers.get("Client-Id", "")
        raw = await request.read()
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            body = None
        if self.latency:
            await asyncio.sleep(self.latency)
        with self._lock:
            self.violations.extend(problems := request_problems(path, body))
            injection = self._injections[path].popleft() if self._injections[path] else None
        headers: dict[str, str] = {}
        if injection is not None:
            await asyncio.sleep(injection.delay)
            status, payload, headers = injection.status, injection.body, injection.headers
        with self._lock:
            if injection is None:
                status, payload = self._dispatch(
                    path, client_id, request.headers.get("Api-Key", ""), body, problems
                )
                if status == 429:
                    headers = {"Retry-After": "1"}
            self.calls.append(
                {"path": path, "client_id": client_id, "body": body, "status": status, "at": at}
            )
            # Serialised under the lock: tests may change the postings from their own thread.
            text = payload if isinstance(payload, str) else json.dumps(payload)
        return web.Response(
            status=status, text=text, content_type="application/json", headers=headers
        )

    def _dispatch(
        self, path: str, client_id: str, api_key: str, body: Any, problems: list[str]
    ) -> Reply:
        if path not in SPEC:
            return 404, error(5, "Not Found")
        if not re.fullmatch(r"[1-9]\d*", client_id, re.ASCII):
            return 400, error(3, "Client-Id header value should be positive integer")
        store = self._stores.get(client_id)
        if store is None or store.api_key != api_key:
            return 404, error(5, "Invalid Api-Key, please check the key and try again")
        if store.deactivated:
            return 403, error(7, "Api-key is deactivated, please generate a new one")
        # /v1/roles describes the key itself, so every valid key may call it.
        granted = path == "/v1/roles" or any(path in r.get("methods", ()) for r in store.roles)
        if not granted:
            return 403, error(7, "Api-Key is missing a required role for a method")
        if self._over_rate_limit(client_id):
            return 429, error(8, "You have reached request rate limit per second")
        if problems:
            return 400, error(3, problems[0])
        if path in self.handlers:
            return self.handlers[path](client_id, body)
        status, payload = self._routes[path](store, body)
        if self.wrap_result and path in PAGED_PATHS and status == 200:
            payload = {"result": payload}
        return status, payload

    def _over_rate_limit(self, client_id: str) -> bool:
        if self.rate_limit_per_second is None:
            return False
        now, recent = time.monotonic(), self._recent[client_id]
        while recent and now - recent[0] >= 1:
            recent.popleft()
        if len(recent) >= self.rate_limit_per_second:
            return True
        recent.append(now)
        return False

    # ----- endpoints -----

    def _unfulfilled_list(self, store: Store, body: Json) -> Reply:
        filter_ = body.get("filter", {})
        field_, start, end = (
            ("shipment_date", "cutoff_from", "cutoff_to")
            if "cutoff_from" in filter_
            else ("delivering_date", "delivering_date_from", "delivering_date_to")
        )
        postings = [
            p
            for p in self._filtered(store, filter_)
            if p["status"] in UNFULFILLED_STATUSES
            and self._within(p.get(field_), filter_[start], filter_[end])
        ]
        return self._page(postings, body, "shipment_date")

    def _list(self, store: Store, body: Json) -> Reply:
        filter_ = body["filter"]
        changed = filter_.get("last_changed_status_date", {})
        postings = [
            p
            for p in self._filtered(store, filter_)
            if self._within(p["in_process_at"], filter_["since"], filter_["to"])
            and self._within(
                iso(store.status_changed_at[p["posting_number"]]),
                changed.get("from"),
                changed.get("to"),
            )
        ]
        return self._page(postings, body, "in_process_at")

    @staticmethod
    def _filtered(store: Store, filter_: Json) -> list[Json]:
        statuses = filter_.get("statuses")
        # The schema types warehouse ids as int64 strings; compare as text to accept both.
        warehouses = {str(w) for w in filter_.get("warehouse_ids", ())}
        return [
            p
            for p in store.postings
            if (not statuses or p["status"] in statuses)
            and (not warehouses or str(p["delivery_method"]["warehouse_id"]) in warehouses)
        ]

    @staticmethod
    def _within(moment: str | None, start: str | None, end: str | None) -> bool:
        when = parse_time(moment) if moment else None
        if when is None:
            return start is None and end is None
        since = parse_time(start) if start else None
        until = parse_time(end) if end else None
        return (since is None or since <= when) and (until is None or when <= until)

    @staticmethod
    def _page(postings: list[Json], body: Json, sort_key: str) -> Reply:
        try:
            offset = int(base64.urlsafe_b64decode(body["cursor"])) if body.get("cursor") else 0
        except ValueError:
            return 400, error(3, "invalid cursor")
        limit = body.get("limit", 100)
        postings = sorted(
            postings,
            key=lambda p: parse_time(p[sort_key]) or datetime.min.replace(tzinfo=UTC),
            reverse=body.get("sort_dir") == "DESC",
        )
        page = postings[offset : offset + limit]
        has_next = offset + limit < len(postings)
        cursor = base64.urlsafe_b64encode(str(offset + limit).encode()).decode() if has_next else ""
        return 200, {"postings": page, "count": len(page), "has_next": has_next, "cursor": cursor}

    @staticmethod
    def _get(store: Store, body: Json) -> Reply:
        posting = store.posting(body["posting_number"])
        if posting is None:
            return 404, error(5, "posting not found")
        return 200, {"result": v3_posting(posting)}

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

    @staticmethod
    def _cancel_reasons(store: Store, body: Json) -> Reply:
        result = [
            {"posting_number": number, "reasons": list(CANCEL_REASONS)}
            for number in body["related_posting_numbers"]
            if store.posting(number) is not None
        ]
        return 200, {"result": result}

    @staticmethod
    def _cancel(store: Store, body: Json) -> Reply:
        posting = store.posting(body["posting_number"])
        if posting is None:
            return 404, error(5, "posting not found")
        if "cancel" not in posting["available_actions"]:
            return 400, error(3, "posting cannot be cancelled")
        title = next(
            (r["title"] for r in CANCEL_REASONS if r["id"] == body["cancel_reason_id"]), ""
        )
        posting["cancellation"] = {
            "cancel_reason_id": body["cancel_reason_id"],
            "cancel_reason": body.get("cancel_reason_message") or title,
            "cancellation_type": "seller",
            "cancellation_initiator": "Seller",
            "affect_cancellation_rating": True,
            "cancelled_after_ship": posting["status"] == "awaiting_deliver",
        }
        posting.update(status="cancelled", substatus=SUBSTATUS["cancelled"], available_actions=[])
        store.status_changed_at[posting["posting_number"]] = datetime.now(UTC)
        return 200, {"result": True}

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
        return 200, {"result": {"chat_id": FakeOzon.chat_id(posting["posting_number"])}}

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
    def _set_cutoff(store: Store, body: Json) -> Reply:
        posting = store.posting(body["posting_number"])
        if posting is None:
            return 404, error(5, "posting not found")
        if "set_cutoff" not in posting["available_actions"]:
            return 400, error(3, "set_cutoff is not available for this posting")
        moment = parse_time(body["new_cutoff_date"])
        posting["shipment_date"] = iso(moment) if moment else body["new_cutoff_date"]
        return 200, {"result": True}

    @staticmethod
    def _timeslot_restrictions(store: Store, body: Json) -> Reply:
        now = datetime.now(UTC)
        interval = {"begin": iso(now), "end": iso(now + timedelta(days=7))}
        return 200, {"delivery_interval": interval, "remaining_changes_count": 2}

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
                "is_rfbs": False,
                "working_days": store.working_days.get(warehouse_id, EVERY_DAY),
                "address_info": {"utc": "Europe/Moscow"},
            }
            for warehouse_id, name in known.items()
        ]
        return 200, {"warehouses": warehouses, "has_next": False, "cursor": ""}

    @staticmethod
    def _stocks(store: Store, body: Json) -> Reply:
        asked = {int(sku) for sku in body.get("sku", [])}
        return 200, {
            "result": [
                {"sku": sku, "offer_id": f"OFFER-{sku % 1000}", "present": present,
                 "reserved": 0, "warehouse_id": warehouse_id, "warehouse_name": "Main warehouse",
                 "product_id": sku}
                for (sku, warehouse_id), present in store.stock.items()
                if sku in asked
            ]
        }  # fmt: skip

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
