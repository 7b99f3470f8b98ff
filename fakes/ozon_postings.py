"""Postings: the factory tests make them with, and the endpoints that list, show and change
them (the unfulfilled and the full list with their filters and cursor pages, get, cancel,
cutoff and timeslot). FakeOzon (fakes/ozon.py) takes these endpoints as a mixin.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from fakes.ozon_spec import Json, Reply, error, iso, parse_time, utc
from fakes.ozon_store import Store

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


def shown(posting: Json, body: Json) -> Json:
    """Analytics data only when asked for (`with.analytics_data`), as Ozon answers."""
    if (body.get("with") or {}).get("analytics_data") or "analytics_data" not in posting:
        return posting
    return {key: value for key, value in posting.items() if key != "analytics_data"}


class PostingEndpoints:
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
        promise: tuple[datetime, datetime] | None = None,
        is_express: bool = False,
    ) -> Json:
        """A posting shaped like posting.v4.PostingFbsUnfulfilledListResponse.Postings.
        `promise`: the delivery window promised to the buyer (analytics data)."""
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
            "is_express": is_express,
            "is_multibox": False,
            "multi_box_qty": 1,
            "parent_posting_number": "",
        }
        if tariffication is not None:
            posting["tariffication"] = tariffication
        if promise is not None:
            posting["analytics_data"] = {
                "delivery_date_begin": iso(promise[0]),
                "delivery_date_end": iso(promise[1]),
            }
        return posting

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
        return 200, {"postings": [shown(p, body) for p in page], "count": len(page),
                     "has_next": has_next, "cursor": cursor}  # fmt: skip

    @staticmethod
    def _get(store: Store, body: Json) -> Reply:
        posting = store.posting(body["posting_number"])
        if posting is None:
            return 404, error(5, "posting not found")
        return 200, {"result": v3_posting(shown(posting, body))}

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

    @staticmethod
    def _cancel_items(store: Store, body: Json) -> Reply:
        posting = store.posting(body["posting_number"])
        if posting is None:
            return 404, error(5, "posting not found")
        if "product_cancel" not in posting["available_actions"]:
            return 400, error(3, "product_cancel is not available for this posting")
        for item in body["items"]:
            product = next((p for p in posting["products"] if p["sku"] == item["sku"]), None)
            if product is None or not 1 <= item["quantity"] <= product["quantity"]:
                return 400, error(3, "INVALID_ITEMS")
            product["quantity"] -= item["quantity"]
        posting["products"] = [p for p in posting["products"] if p["quantity"] > 0]
        return 200, {"result": posting["posting_number"]}

    @staticmethod
    def _set_cutoff(store: Store, body: Json) -> Reply:
        posting = store.posting(body["posting_number"])
        if posting is None:
            return 404, error(5, "posting not found")
        if "set_cutoff" not in posting["available_actions"]:
            return 400, error(3, "set_cutoff is not available for this posting")
        moment = parse_time(body["new_cutoff_date"])
        promise_end = parse_time((posting.get("analytics_data") or {}).get("delivery_date_end", ""))
        if moment is None or (promise_end and moment > promise_end):
            # Our reading, not confirmed live: a date after the buyer's promised window is
            # refused the way Ozon refuses a change it does not make.
            return 200, {"result": False}
        posting["shipment_date"] = iso(moment)
        posting["available_actions"] = [
            action for action in posting["available_actions"] if action != "set_cutoff"
        ]
        return 200, {"result": True}

    @staticmethod
    def _tracking_number(store: Store, body: Json) -> Reply:
        result = []
        for item in body["tracking_numbers"]:
            posting = store.posting(item["posting_number"])
            allowed = posting is not None and "set_track_number" in posting["available_actions"]
            if allowed:
                posting["tracking_number"] = item["tracking_number"]
            result.append({"posting_number": item["posting_number"], "result": allowed,
                           "error": "" if allowed else "ACTION_NOT_AVAILABLE"})  # fmt: skip
        return 200, {"result": result}

    @staticmethod
    def _delivering(store: Store, body: Json) -> Reply:
        return PostingEndpoints._move(store, body, "non_int_delivering", "delivering",
                                      ["non_int_last_mile", "non_int_delivered"])  # fmt: skip

    @staticmethod
    def _last_mile(store: Store, body: Json) -> Reply:
        return PostingEndpoints._move(store, body, "non_int_last_mile", "delivering",
                                      ["non_int_delivered"])  # fmt: skip

    @staticmethod
    def _delivered(store: Store, body: Json) -> Reply:
        return PostingEndpoints._move(store, body, "non_int_delivered", "delivered", [])

    @staticmethod
    def _move(store: Store, body: Json, action: str, status: str, then: list[str]) -> Reply:
        """A status the seller moves its own delivery to, where Ozon offers it (applied at
        once here; Ozon applies it asynchronously)."""
        result = []
        for number in body["posting_number"]:
            posting = store.posting(number)
            allowed = posting is not None and action in posting["available_actions"]
            if posting is not None and allowed:
                posting.update(status=status, substatus=SUBSTATUS[status], available_actions=then)
                store.status_changed_at[number] = datetime.now(UTC)
            result.append({"posting_number": number, "result": allowed,
                           "error": "" if allowed else "ACTION_NOT_AVAILABLE"})  # fmt: skip
        return 200, {"result": result}

    @staticmethod
    def _pack_again(store: Store, body: Json) -> Reply:
        """Packing again after it failed: taken where Ozon offers `ship_async_retry` and the
        packages hold the posting's products exactly; packed asynchronously (the test moves it
        on: `update_posting`)."""
        posting = store.posting(body["posting_number"])
        if posting is None:
            return 404, error(5, "posting not found")
        if "ship_async_retry" not in posting["available_actions"]:
            return 400, error(3, "POSTING_ALREADY_SHIPPED")
        packed: dict[int, int] = {}
        for package in body["packages"]:
            for item in package["products"]:
                packed[item["product_id"]] = packed.get(item["product_id"], 0) + item["quantity"]
        if packed != {p["sku"]: p["quantity"] for p in posting["products"]}:
            return 400, error(3, "INVALID_PRODUCTS_QUANTITY")
        posting.update(substatus="ship_async_in_process", available_actions=[
            action for action in posting["available_actions"] if action != "ship_async_retry"
        ])  # fmt: skip
        return 200, {"result": [posting["posting_number"]], "additional_data": []}

    @staticmethod
    def _box_count(store: Store, body: Json) -> Reply:
        posting = store.posting(body["posting_number"])
        if posting is None:
            return 404, error(5, "posting not found")
        if not posting.get("is_multibox"):
            return 200, {"result": {"result": False}}
        posting["multi_box_qty"] = body["multi_box_qty"]
        return 200, {"result": {"result": True}}

    @staticmethod
    def _timeslot_restrictions(store: Store, body: Json) -> Reply:
        now = datetime.now(UTC)
        interval = {"begin": iso(now), "end": iso(now + timedelta(days=7))}
        return 200, {"delivery_interval": interval, "remaining_changes_count": 2}
