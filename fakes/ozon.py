"""A fake Ozon Seller API: a real HTTP server that checks every request against the spec.

Shapes follow tests/specs/ozon.json (extracted from the official OpenAPI file); behaviour the
spec leaves out (auth errors, the cutoff-window rule, rate limits) follows shared/DOMAIN.md §2.
Request checking lives in fakes/ozon_spec.py, the endpoints in fakes/ozon_postings.py and
fakes/ozon_store.py; here are the server, its auth and rate limit, injected faults and the
API tests set the stores up and look at the calls with.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from fakes._server import BackgroundServer
from fakes.ozon_postings import SUBSTATUS, PostingEndpoints
from fakes.ozon_spec import (
    FORMATS,
    SPEC,
    SWITCHED_OFF,
    Json,
    Reply,
    error,
    iso,
    parse_time,
    request_problems,
)
from fakes.ozon_store import Store, StoreEndpoints

__all__ = ["FORMATS", "SPEC", "FakeOzon", "iso"]

Handler = Callable[[str, Json], Reply]

PAGED_PATHS = frozenset({"/v4/posting/fbs/unfulfilled/list", "/v4/posting/fbs/list"})


@dataclass
class Injection:
    status: int
    body: Json | str
    headers: dict[str, str]
    delay: float


class FakeOzon(StoreEndpoints, PostingEndpoints, BackgroundServer):
    def __init__(self) -> None:
        super().__init__()
        self.violations: list[str] = []
        self.calls: list[Json] = []
        self.handlers: dict[str, Handler] = {}
        self.wrap_result = False
        self.latency = 0.0
        self.rate_limit_per_second: int | None = None
        self.switched_off = set(SWITCHED_OFF)  # paths answered as Ozon answers an unknown one
        self._stores: dict[str, Store] = {}
        self._injections: dict[str, deque[Injection]] = defaultdict(deque)
        self._recent: dict[str, deque[float]] = defaultdict(deque)
        self._routes: dict[str, Callable[[Store, Json], Reply]] = {
            "/v4/posting/fbs/unfulfilled/list": self._unfulfilled_list,
            "/v4/posting/fbs/list": self._list,
            "/v3/posting/fbs/get": self._get,
            "/v1/roles": self._roles,
            "/v1/seller/info": self._seller_info,
            "/v1/posting/fbs/cancel-reason": self._cancel_reasons,
            "/v2/posting/fbs/cancel": self._cancel,
            "/v2/posting/fbs/product/cancel": self._cancel_items,
            "/v1/chat/start": self._chat_start,
            "/v1/chat/send/message": self._chat_send,
            "/v3/chat/history": self._chat_history,
            "/v1/posting/cutoff/set": self._set_cutoff,
            "/v1/posting/fbs/timeslot/change-restrictions": self._timeslot_restrictions,
            "/v1/posting/fbs/timeslot/set": lambda store, body: (200, {"result": True}),
            "/v2/warehouse/list": self._warehouses,
            "/v2/product/info/stocks-by-warehouse/fbs": self._stocks,
            "/v1/rating/index/fbs/info": self._rating_index,
            "/v2/fbs/posting/tracking-number/set": self._tracking_number,
            "/v2/fbs/posting/delivering": self._delivering,
            "/v2/fbs/posting/last-mile": self._last_mile,
            "/v2/fbs/posting/delivered": self._delivered,
            "/v3/posting/multiboxqty/set": self._box_count,
            "/v4/posting/fbs/ship": self._pack_again,
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

    def set_stock_page_size(self, client_id: str, size: int) -> None:
        with self._lock:
            self._stores[client_id].stock_page_size = size

    def set_stock(
        self, client_id: str, sku: int, warehouse_id: int, present: int, reserved: int | None = None
    ) -> None:
        """`present` counts the reserved units too, as Ozon's does; `reserved` left out is
        what the store's postings not yet handed over hold of this product there."""
        with self._lock:
            self._stores[client_id].stock[(sku, warehouse_id)] = (present, reserved)

    def set_working_days(self, client_id: str, warehouse_id: int, days: list[str]) -> None:
        with self._lock:
            self._stores[client_id].working_days[warehouse_id] = days

    def stores(self) -> list[Store]:
        with self._lock:
            return list(self._stores.values())

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
        if path not in SPEC or path in self.switched_off:
            return 404, error(5, "Not Found")
        if not re.fullmatch(r"[1-9]\d*", client_id, re.ASCII):
            return 400, error(3, "Client-Id header value should be positive integer")
        store = self._stores.get(client_id)
        if store is None or store.api_key != api_key:
            return 404, error(5, "Invalid Api-Key, please check the key and try again")
        # /v1/roles describes the key itself, so every valid key may call it.
        # Ozon lists a role's methods by path or by prefix ("/v1/posting").
        granted = path == "/v1/roles" or any(
            path == method or path.startswith(method.rstrip("/") + "/")
            for role in store.roles
            for method in role.get("methods", ())
        )
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
