"""Property tests of postings read from Seller API pages: valid postings round trip field by
field, unknown fields are ignored and null reads as absent, and times or amounts that cannot be
shown never reach the alerts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ozon.models import Posting, PostingPage
from tests.helpers.answers import all_pages, ask_ozon, check_usable
from tests.helpers.strategies import FEWER, MODEST, json_values

ZONES = [UTC, timezone(timedelta(hours=3)), timezone(-timedelta(hours=5, minutes=30))]
moments = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.none() | st.sampled_from(ZONES),
)
STATUSES = ["awaiting_packaging", "awaiting_deliver", "delivering", "cancelled"]
products = st.lists(
    st.fixed_dictionaries(
        {
            "sku": st.integers(1, 2**63 - 1),
            "offer_id": st.text(max_size=30),
            "name": st.text(max_size=200),
            "quantity": st.integers(1, 10_000),
            "price": st.decimals(0, 10**9, places=2, allow_nan=False, allow_infinity=False),
        }
    ),
    max_size=4,
)
# Fields Ozon may send as null; the model then takes its default.
NULLABLE = [
    "order_number", "substatus", "shipment_date_without_delay", "in_process_at", "products",
    "delivery_method", "tpl_integration_type", "is_express", "available_actions",
    "cancellation", "tariffication",
]  # fmt: skip


def wire(moment: datetime) -> str:
    """How a test sends a time: UTC with 'Z' as Ozon does, another offset, or none."""
    text = moment.isoformat()
    return text.replace("+00:00", "Z") if moment.utcoffset() == timedelta(0) else text


def raw_posting(number: str, status: str, deadline: datetime, items: list[dict[str, Any]]) -> dict:
    return {
        "posting_number": number,
        "status": status,
        "shipment_date": wire(deadline),
        "products": [
            item | {"price": {"amount": str(item["price"]), "currency": "RUB"}} for item in items
        ],
        "delivery_method": {"id": 1, "warehouse_id": 1001, "warehouse": "Main"},
    }


@pytest.mark.service
@MODEST
@given(
    number=st.text(min_size=1, max_size=40),
    status=st.sampled_from(STATUSES) | st.text(max_size=20),
    deadline=moments,
    items=products,
    wrapped=st.booleans(),
)
def test_valid_postings_round_trip_through_a_page(
    number: str, status: str, deadline: datetime, items: list[dict[str, Any]], wrapped: bool
) -> None:
    page = {"postings": [raw_posting(number, status, deadline, items)], "has_next": False}
    body = {"result": page} if wrapped else page
    [answer] = ask_ozon(all_pages, json.dumps(body).encode())
    assert answer.skipped == 0 and not answer.has_next
    [posting] = answer.postings
    assert posting.posting_number == number and posting.status == status
    expected = deadline if deadline.tzinfo else deadline.replace(tzinfo=UTC)
    assert posting.shipment_date == expected
    assert posting.shipment_date.utcoffset() == expected.utcoffset()
    if deadline.utcoffset() in (None, timedelta(0)):
        assert posting.shipment_date.tzinfo is not None
        assert posting.shipment_date.utcoffset() == timedelta(0)
    assert posting.warehouse == "Main"
    assert [
        (p.sku, p.offer_id, p.name, p.quantity, p.price and p.price.amount)
        for p in posting.products
    ] == [(i["sku"], i["offer_id"], i["name"], i["quantity"], i["price"]) for i in items]
    assert all(p.price and p.price.currency == "RUB" for p in posting.products)


@pytest.mark.service
@FEWER
@given(
    deadline=moments,
    items=products,
    extra=st.dictionaries(
        st.text(max_size=12).filter(lambda key: key not in Posting.model_fields),
        json_values,
        max_size=4,
    ),
    nulls=st.sets(st.sampled_from(NULLABLE)),
    blank_times=st.dictionaries(
        st.sampled_from(["shipment_date_without_delay", "in_process_at"]),
        st.sampled_from(["", "0", 0, None, "0001-01-01T00:00:00Z"]),
    ),
    product_nulls=st.sets(st.sampled_from(["sku", "offer_id", "name", "quantity", "price"])),
)
def test_unknown_fields_are_ignored_and_null_is_absent(
    deadline: datetime,
    items: list[dict[str, Any]],
    extra: dict[str, Any],
    nulls: set[str],
    blank_times: dict[str, Any],
    product_nulls: set[str],
) -> None:
    clean = raw_posting("1000-0001-1", "awaiting_packaging", deadline, items)
    clean |= {"shipment_date_without_delay": wire(deadline + timedelta(days=1))}
    hostile = clean | extra | dict.fromkeys(nulls) | blank_times
    hostile["products"] = [p | dict.fromkeys(product_nulls) for p in clean["products"]]
    if "products" in nulls:
        hostile["products"] = None
    absent = {k: v for k, v in clean.items() if k not in nulls and k not in blank_times}
    absent["products"] = [
        {k: v for k, v in p.items() if k not in product_nulls} for p in clean["products"]
    ]
    if "products" in nulls:
        del absent["products"]

    def fetch(raw: dict[str, Any]) -> Posting:
        return ask_ozon(lambda s: s.posting("1000-0001-1"), json.dumps({"result": raw}).encode())

    parsed = fetch(hostile)
    assert parsed == fetch(absent)
    for name in nulls | blank_times.keys():
        assert getattr(parsed, name) == Posting.model_fields[name].get_default(
            call_default_factory=True
        )
    if "products" not in nulls:
        assert all(p.quantity == 1 for p in parsed.products if "quantity" in product_nulls)
        assert all(p.price is None for p in parsed.products if "price" in product_nulls)


def junk_page(shipment_date: Any, in_process_at: Any, amount: Any) -> PostingPage:
    raw = {
        "posting_number": "1000-0001-1",
        "status": "awaiting_packaging",
        "shipment_date": shipment_date,
        "in_process_at": in_process_at,
        "products": [{"sku": 1, "name": "Mat", "price": {"amount": amount, "currency": "RUB"}}],
        "tariffication": {"next": {"starts_at": in_process_at, "tariff_rate": 5}},
    }
    [answer] = ask_ozon(all_pages, json.dumps({"postings": [raw]}).encode())
    assert len(answer.postings) + answer.skipped == 1
    for posting in answer.postings:
        check_usable(posting)
    return answer


UNREAL_TIMES = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1969-12-31T23:59:00Z"]
unix_times = st.integers(-(2**31), 2**33)


@pytest.mark.service
@MODEST
@given(moment=st.sampled_from(UNREAL_TIMES) | unix_times)
def test_times_that_cannot_be_shown_never_reach_the_alerts(moment: Any) -> None:
    """Go's zero time or the year 9999 cannot be shown in every time zone, and a failing
    alert stops the scan of the whole store: an optional time becomes None, a posting without
    a real deadline is skipped."""
    real = isinstance(moment, int) and moment > 0  # 0 is "no value", as ""
    kept = junk_page("2026-11-26T12:00:00Z", moment, "1.00")
    [posting] = kept.postings  # a junk optional time must not cost the posting
    assert posting.shipment_date == datetime(2026, 11, 26, 12, tzinfo=UTC)
    assert (posting.in_process_at is not None) == real
    assert posting.tariffication is not None
    assert (posting.tariffication.next_tariff_starts_at is not None) == real
    due = junk_page(moment, None, "1.00")  # a deadline of 0 is 1970: real, and overdue
    assert len(due.postings) == (1 if isinstance(moment, int) and moment >= 0 else 0)


@pytest.mark.service
@MODEST
@given(
    amount=st.sampled_from(["1E+999999", "-1E+999999", "1e308", "NaN", "Infinity", "-0", "x"])
    | st.floats()
    | st.integers()
)
def test_absurd_amounts_never_reach_the_alerts(amount: Any) -> None:
    """1E+999999 roubles would be formatted to a megabyte of digits when the seller cancels."""
    answer = junk_page("2026-11-26T12:00:00Z", None, amount)
    for posting in answer.postings:
        price = posting.products[0].price
        assert price is not None and price.currency == "RUB"
        assert price.amount is None or abs(price.amount) < 10**15
    if isinstance(amount, int) or amount in ("1E+999999", "1e308"):
        assert len(answer.postings) == 1
