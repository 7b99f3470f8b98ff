"""Property-based tests over hostile data: Seller API answers and what users type.

Every parser either gives a valid value or raises its documented error, whose message is short
and safe to show through the message catalog; valid values survive a round trip."""

from __future__ import annotations

import asyncio
import json
import re
import string
import typing
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import httpx
import pytest
from hypothesis import HealthCheck, assume, example, given, note, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from bot.core.chat_rules import (
    ROLES,
    SETTABLE_ACTIONS,
    InvalidSetting,
    QuietHours,
    parse_clock,
    parse_contacts,
    parse_count,
    parse_leads,
    parse_minutes,
    parse_permission,
    parse_quiet_hours,
)
from bot.core.leads import MAX_LEAD_SECONDS, format_lead_time, parse_lead_times
from bot.core.timezones import valid_timezone
from bot.i18n.catalogs import catalog as language_catalog
from bot.i18n.texts import texts_for
from bot.ozon import (
    OzonApi,
    OzonError,
    OzonUnavailable,
    RetryPolicy,
    SellerClient,
    UnreadableAnswer,
)
from bot.ozon.models import (
    CancelReasons,
    ChatHistory,
    KeyRoles,
    OzonModel,
    Posting,
    PostingPage,
    SellerInfo,
    TimeslotRestrictions,
)
from bot.views.format import format_moment
from fakes.telegram import plain_text
from handlers.connect import looks_like_api_key, looks_like_client_id

EN = texts_for("en")

MODEST = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEWER = settings(MODEST, max_examples=75)  # each example runs the HTTP client, once or twice
MAX_MESSAGE = 300  # the longest error sentence a user may be shown

# ----- Seller API answers -----

MODELS: list[type[OzonModel]] = []


def _collect(model: type[BaseModel]) -> None:
    if issubclass(model, OzonModel) and model not in MODELS:
        MODELS.append(model)
        for info in model.model_fields.values():
            for nested in _nested_models(info.annotation):
                _collect(nested)


def _nested_models(annotation: Any) -> list[type[OzonModel]]:
    if isinstance(annotation, type) and issubclass(annotation, OzonModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _nested_models(arg)]


for _root in (Posting, KeyRoles, SellerInfo, CancelReasons, ChatHistory, TimeslotRestrictions):
    _collect(_root)
FIELD_NAMES = sorted(
    {name for model in MODELS for name in model.model_fields}
    | {"result", "current", "next", "chat_id", "tariff_rate", "tariff_type", "starts_at"}
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and infinities too: Python's json reads them
    | st.text(max_size=20)
    | st.sampled_from(["", "0", "2026-11-26T12:00:00Z", "0001-01-01T00:00:00Z", "1E+999999"])
)
json_keys = st.sampled_from(FIELD_NAMES) | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(json_keys, inner, max_size=6),
    max_leaves=25,
)


def shaped(model: type[OzonModel], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the model's own field names, each holding junk or a shaped object."""
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        value: st.SearchStrategy[Any] = json_values
        for nested in _nested_models(info.annotation) if depth < 2 else []:
            inner = shaped(nested, depth + 1)
            value = value | inner | st.lists(inner, max_size=3)
        fields[name] = value
    if model.__name__ == "Tariffication":  # the nested form Ozon's example shows
        side = st.dictionaries(st.sampled_from([*FIELD_NAMES, "tariff_rate", "rate"]), json_values)
        fields |= {"current": json_values | side, "next": json_values | side}
    return st.fixed_dictionaries({}, optional=fields)


WINDOW = (datetime(2026, 11, 26, tzinfo=UTC), datetime(2026, 11, 28, tzinfo=UTC))


async def _all_pages(seller: SellerClient) -> list[PostingPage]:
    pages = [page async for page in seller.unfulfilled(*WINDOW)]
    assert all(page.skipped >= 0 for page in pages)  # parsed here, where errors would show
    return pages


# Each way the client turns an answer into values: the call, what it returns, the answer shape.
Call = Callable[[SellerClient], Awaitable[Any]]
ENTRY_POINTS: dict[str, tuple[Call, type, st.SearchStrategy[Any]]] = {
    "roles": (lambda s: s.roles(), KeyRoles, shaped(KeyRoles)),
    "seller_info": (lambda s: s.seller_info(), SellerInfo, shaped(SellerInfo)),
    "posting": (
        lambda s: s.posting("1000-0001-1"),
        Posting,
        st.fixed_dictionaries({"result": shaped(Posting)}),
    ),
    "cancel_reasons": (lambda s: s.cancel_reasons("1000-0001-1"), list, shaped(CancelReasons)),
    "chat_history": (lambda s: s.chat_history("chat-1"), list, shaped(ChatHistory)),
    "timeslots": (
        lambda s: s.timeslot_restrictions("1000-0001-1"),
        TimeslotRestrictions,
        shaped(TimeslotRestrictions),
    ),
    "start_chat": (
        lambda s: s.start_chat("1000-0001-1"),
        str,
        st.fixed_dictionaries({}, optional={"chat_id": json_values}),
    ),
    "pages": (
        _all_pages,
        list,
        st.fixed_dictionaries(
            {},
            optional={
                "postings": json_values | st.lists(shaped(Posting), max_size=3),
                "cursor": json_values,
                "has_next": json_values,
            },
        ),
    ),
}
# Calls whose answer is read field by field, never by a model that could reject it.


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


def scalar_postings(body: Any) -> bool:
    """An answer whose `postings` is a number: a known client bug, tested on its own below."""
    if not isinstance(body, dict):
        return False
    page = body["result"] if isinstance(body.get("result"), dict) else body
    return isinstance(page.get("postings"), int | float) and bool(page["postings"])


def check_answer(name: str, body: Any, raw: bytes, status: int) -> None:
    call, expected, _ = ENTRY_POINTS[name]
    try:
        result = ask_ozon(call, raw, status)
    except OzonError as error:
        # A 200 answer is refused only as unusable (worth retrying) or unreadable even without
        # what the bot can do without (bot/ozon/lenient.py), never as a wrong key; and never
        # with anything but a typed error.
        assert status != 200 or isinstance(error, OzonUnavailable | UnreadableAnswer), error
        assert isinstance(error.message, str) and error.message
        return
    assert status == 200, "an error status must raise"
    assert isinstance(body, dict)
    assert isinstance(result, expected)
    if name == "posting":
        check_usable(result)
    if name == "pages":
        first = result[0]
        page = body["result"] if isinstance(body.get("result"), dict) else body
        assert all(isinstance(p, Posting) for p in first.postings)
        assert len(first.postings) + first.skipped == len(page.get("postings") or [])
        for posting in (posting for page in result for posting in page.postings):
            check_usable(posting)


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


@pytest.mark.service
@FEWER
@given(
    name=st.sampled_from(sorted(ENTRY_POINTS)),
    body=json_values,
    status=st.sampled_from([200, 200, 200, 400, 403, 404, 429, 500]),
)
def test_any_json_answer_parses_or_raises_a_typed_error(name: str, body: Any, status: int) -> None:
    assume(not scalar_postings(body))
    check_answer(name, body, json.dumps(body).encode(), status)


@pytest.mark.service
@FEWER
@given(name=st.sampled_from(sorted(ENTRY_POINTS)), body=st.binary(max_size=40))
def test_any_bytes_answer_parses_or_raises_a_typed_error(name: str, body: bytes) -> None:
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    assume(not scalar_postings(parsed))
    call, _, _ = ENTRY_POINTS[name]
    if not isinstance(parsed, dict):
        with pytest.raises(OzonUnavailable, match="malformed JSON"):
            ask_ozon(call, body)
    else:
        check_answer(name, parsed, body, 200)


@pytest.mark.service
@FEWER
@given(data=st.data(), name=st.sampled_from(sorted(ENTRY_POINTS)))
def test_answers_shaped_like_the_models_parse_or_raise_validation_errors(
    data: st.DataObject, name: str
) -> None:
    body = data.draw(ENTRY_POINTS[name][2])
    assume(not scalar_postings(body))
    check_answer(name, body, json.dumps(body).encode(), 200)


@pytest.mark.service
@FEWER
@given(raw=shaped(Posting), wrapped=st.booleans())
@example(raw={"tariffication": {"current": "junk", "next": [1]}}, wrapped=False)
def test_posting_shaped_junk_is_parsed_or_skipped_never_crashes_the_page(
    raw: dict[str, Any], wrapped: bool
) -> None:
    """One odd posting costs at most itself: an exception here would stop the whole store's scan."""
    good = {"posting_number": "1-1-1", "status": "awaiting_packaging", "shipment_date": 0}
    page = {"postings": [raw, good], "cursor": "", "has_next": False}
    body = {"result": page} if wrapped else page
    [answer] = ask_ozon(_all_pages, json.dumps(body).encode())
    assert len(answer.postings) + answer.skipped == 2
    assert answer.postings[-1].posting_number == "1-1-1"
    for posting in answer.postings:
        check_usable(posting)


@pytest.mark.service
def test_a_number_as_postings_is_a_typed_error() -> None:
    with pytest.raises(OzonUnavailable):
        ask_ozon(_all_pages, b'{"postings": 5, "has_next": false}')


@pytest.mark.service
def test_deeply_nested_json_is_a_typed_error() -> None:
    with pytest.raises(OzonUnavailable):
        ask_ozon(lambda s: s.roles(), b"[" * 100_000 + b"]" * 100_000)


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
    [answer] = ask_ozon(_all_pages, json.dumps(body).encode())
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
    [answer] = ask_ozon(_all_pages, json.dumps({"postings": [raw]}).encode())
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


# ----- What users type -----

HOSTILE = [
    "", " ", "\x00", "a\x00b", "10:00\x00-11:00", "\u202e", "\u202e10:00-08:00", "\u200d",
    "23:00\u200d-08:00", "\u200b15", "\ufeff", "👨\u200d👩\u200d👧", "🕐-🕑",
    "'; DROP TABLE stores;--",
    "<b>&amp;</script>", "<script>alert(1)</script>", "&lt;", "&#60;", "&", "<", ">", '"',
    "\\", "%s%n", "{}", "{0}", "{reason}", "\r\n", "\t", "٣", "١٥", "²", "①", "𝟙𝟚",
    "１２:００-０８:００", "２４ｈ", "12:00 - 08:00", "23:00–08:00", "off", "OFF", "None", "-",
    "--", "0", "-1", "+5", "1e3", "0x10", "1_000", "15.0", "99999999999999999999", "24h",
    "24h,4h,1h", "90m", "0h", "7d", "8d", "168h", "10081m", "@alice", "@alice @bob", "@al",
    "cancel owner", "cancel  owner", "cancel owner extra", "Europe/Moscow", "Europe",
    "America/Argentina", "../../etc/passwd", "/etc/passwd", "UTC\x00", "Etc", "posixrules",
    "1" * 10_000, "a" * 10_000, "<" * 10_000, "@" + "a" * 9_999, "24h," * 2_500,
    "9" * 5_000 + "h", "\u202e" * 10_000, "1 " * 5_000, "٣" * 10_000, "&amp;" * 2_000,
]  # fmt: skip
VALIDISH = ["23:00-08:00", "24h,4h,1h", "15", "@alice", "cancel owner", "Europe/Moscow"]
hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(HOSTILE),
    st.builds(
        lambda a, b, c: a + b + c,
        st.sampled_from(HOSTILE + VALIDISH),
        st.text(max_size=5),
        st.sampled_from(HOSTILE + VALIDISH),
    ),
    st.builds(
        lambda piece, times: piece * times,
        st.sampled_from(["1", "<", "\u202e", "@a", "9,", "&", "🎉", "\u200d", "1h,", " "]),
        st.integers(1, 10_000),
    ),
)

USERNAME = re.compile(r"^@[A-Za-z0-9_]{5,32}$")


def _valid_quiet(value: QuietHours | None) -> None:
    if value is not None:
        assert value.start != value.end
        assert parse_quiet_hours(str(value)) == value
        assert parse_quiet_hours(str(value).replace("-", "–")) == value


def _valid_clock(value: time) -> None:
    assert value.second == 0 and value.microsecond == 0
    assert parse_clock(f"{value:%H:%M}") == value


def _valid_leads(value: tuple[int, ...]) -> None:
    assert value and list(value) == sorted(set(value), reverse=True)
    assert all(0 < lead <= MAX_LEAD_SECONDS and lead % 60 == 0 for lead in value)
    assert parse_leads(",".join(format_lead_time(lead) for lead in value)) == value


def _valid_in(low: int, high: int, parse: Callable[[str], int]) -> Callable[[int], None]:
    def check(value: int) -> None:
        assert type(value) is int and low <= value <= high
        assert parse(str(value)) == value

    return check


def _valid_contacts(value: str) -> None:
    assert value == "" or all(USERNAME.match(name) for name in value.split(" "))
    assert parse_contacts(value or "off") == value


def _valid_permission(value: tuple[str, str]) -> None:
    assert value[0] in SETTABLE_ACTIONS and value[1] in ROLES
    assert parse_permission(" ".join(value)) == value


def _threshold(text: str) -> int:
    return parse_count(text, 2, 50)


def _escalation(text: str) -> int:
    return parse_minutes(text, 1, 1440)


def _repeat(text: str) -> int:
    return parse_minutes(text, 5, 1440)


# Each settings parser, with its checks of a value it accepts; all raise InvalidSetting.
SETTINGS_PARSERS: dict[str, tuple[Callable[[str], Any], Callable[[Any], None]]] = {
    "quiet": (parse_quiet_hours, _valid_quiet),
    "clock": (parse_clock, _valid_clock),
    "leads": (parse_leads, _valid_leads),
    "threshold": (_threshold, _valid_in(2, 50, _threshold)),
    "escalation": (_escalation, _valid_in(1, 1440, _escalation)),
    "repeat": (_repeat, _valid_in(5, 1440, _repeat)),
    "contacts": (parse_contacts, _valid_contacts),
    "permissions": (parse_permission, _valid_permission),
}


def assert_safe_to_show(message: str, key: str = "settings.invalid", name: str = "reason") -> None:
    """Short, and shown through the catalog exactly as written: no markup gets through."""
    assert 0 < len(message) <= MAX_MESSAGE, message[:400]
    rendered = EN(key, **{name: message})
    shown = plain_text(EN.template(key).format(**{name: "\x01"}), "HTML").replace("\x01", message)
    assert plain_text(rendered, "HTML") == shown
    assert rendered.count("<") == EN.template(key).count("<")


@pytest.mark.unit
@MODEST
@given(text=hostile_text)
def test_settings_parsers_accept_or_explain_briefly(text: str) -> None:
    for name, (parse, valid) in SETTINGS_PARSERS.items():
        note(f"parser: {name}")
        try:
            value = parse(text)
        except InvalidSetting as error:
            assert_safe_to_show(str(error))
        else:
            valid(value)


@pytest.mark.unit
@MODEST
@given(text=hostile_text)
def test_configured_lead_times_accept_or_explain_briefly(text: str) -> None:
    try:
        value = parse_lead_times(text)
    except ValueError as error:
        assert type(error) is ValueError
        assert_safe_to_show(str(error))
    else:
        _valid_leads(value)
        assert parse_lead_times(",".join(format_lead_time(lead) for lead in value)) == value


clock = st.builds(time, st.integers(0, 23), st.integers(0, 59))
spaces = st.sampled_from(["", " ", "  ", "\t"])


@pytest.mark.unit
@MODEST
@given(start=clock, end=clock, dash=st.sampled_from(["-", "–"]), pad=spaces)
def test_quiet_hours_round_trip(start: time, end: time, dash: str, pad: str) -> None:
    text = f"{pad}{start:%H:%M}{pad}{dash}{pad}{end:%H:%M}{pad}"
    if start == end:
        with pytest.raises(InvalidSetting, match="different times"):
            parse_quiet_hours(text)
        return
    quiet = parse_quiet_hours(text)
    assert quiet == QuietHours(start, end)
    assert parse_quiet_hours(str(quiet)) == quiet
    assert parse_clock(f"{start.hour}:{start:%M}") == start  # one-digit hours too


@pytest.mark.unit
@MODEST
@given(
    minutes=st.sets(st.integers(1, MAX_LEAD_SECONDS // 60), min_size=1, max_size=6),
    pad=spaces,
    upper=st.booleans(),
)
def test_lead_times_round_trip(minutes: set[int], pad: str, upper: bool) -> None:
    seconds = tuple(sorted((m * 60 for m in minutes), reverse=True))
    parts = [format_lead_time(lead) for lead in seconds]
    text = ",".join(f"{pad}{part.upper() if upper else part}{pad}" for part in parts)
    assert parse_leads(text) == seconds
    assert parse_lead_times(text) == seconds
    assert parse_lead_times(",".join(parts + parts)) == seconds  # duplicates fold


@pytest.mark.unit
@MODEST
@given(
    names=st.lists(st.from_regex(r"@[A-Za-z0-9_]{5,32}", fullmatch=True), min_size=1, max_size=5),
    separator=st.sampled_from([" ", ", ", ",", "\n"]),
    threshold=st.integers(2, 50),
    escalation=st.integers(1, 1440),
    action=st.sampled_from(SETTABLE_ACTIONS),
    role=st.sampled_from(ROLES),
    pad=spaces,
)
def test_other_settings_round_trip(
    names: list[str],
    separator: str,
    threshold: int,
    escalation: int,
    action: str,
    role: str,
    pad: str,
) -> None:
    assert parse_contacts(separator.join(names)) == " ".join(dict.fromkeys(names))
    assert parse_count(f"{pad}{threshold}{pad}", 2, 50) == threshold
    assert parse_minutes(f"{pad}{escalation}{pad}", 1, 1440) == escalation
    assert parse_permission(f"{pad}{action} {role}{pad}") == (action, role)
    for bad in (str(threshold + 49), "0" * 5_000 + "1" * 5_000):
        with pytest.raises(InvalidSetting, match="from 2 to 50"):
            parse_count(bad, 2, 50)


ALL_ZONES = sorted(available_timezones())
zone_names = st.sampled_from(ALL_ZONES)
zone_like = st.one_of(
    zone_names,
    zone_names.map(lambda zone: zone.rsplit("/", 1)[0]),  # "Europe", "America/Argentina"
    zone_names.map(str.lower),
    zone_names.map(str.upper),
    zone_names.map(lambda zone: zone + "/"),
    zone_names.map(lambda zone: "/" + zone),
    zone_names.map(lambda zone: zone.replace("/", "/../")),
    zone_names.map(lambda zone: zone.replace("/", "//")),
    zone_names.map(lambda zone: zone + "\x00"),
    zone_names.map(lambda zone: "\u202e" + zone),
    zone_names.map(lambda zone: f" {zone}\t"),
    st.builds(lambda zone, junk: zone + junk, zone_names, hostile_text),
    hostile_text,
)


@pytest.mark.unit
@MODEST
@given(text=zone_like)
def test_time_zone_names_are_canonical_or_refused(text: str) -> None:
    zone = valid_timezone(text)
    if zone is None:
        assert_safe_to_show(text.strip()[:64] or "-", "timezone.unknown", "value")
        return
    assert zone == text.strip() and len(zone) <= 64
    assert valid_timezone(zone) == zone
    assert str(ZoneInfo(zone)) == zone
    assert format_moment(EN, datetime(2026, 11, 26, tzinfo=UTC), zone)


@pytest.mark.unit
@MODEST
@given(zone=zone_names)
def test_every_known_time_zone_is_accepted(zone: str) -> None:
    assert valid_timezone(zone) == zone
    assert valid_timezone(f"  {zone}\n") == zone


key_like = st.text(alphabet=string.ascii_letters + string.digits + "-", min_size=8, max_size=80)


@pytest.mark.unit
@MODEST
@given(text=hostile_text | key_like | st.integers(0, 10**30).map(str))
def test_only_sendable_credentials_go_to_ozon(text: str) -> None:
    """What passes as a Client-Id or an API key is sent as an HTTP header: it must encode."""
    if looks_like_api_key(text):
        assert len(text) >= 8 and text.isascii() and text.isprintable() and " " not in text
        httpx.Request("POST", "http://ozon.test", headers={"Api-Key": text})
    if looks_like_client_id(text):
        assert re.fullmatch(r"[0-9]{1,20}", text)
        httpx.Request("POST", "http://ozon.test", headers={"Client-Id": text})
    elif re.fullmatch(r"[0-9]{1,20}", text):
        pytest.fail(f"a numeric Client-Id {text!r} was refused")


@pytest.mark.unit
@MODEST
@given(key=key_like, client_id=st.integers(1, 10**19).map(str))
def test_real_looking_credentials_are_accepted(key: str, client_id: str) -> None:
    assert looks_like_api_key(key)
    assert looks_like_client_id(client_id)


MARKUP_KEYS = sorted(key for key in language_catalog("en").keys if "{" in EN.template(key))


@pytest.mark.unit
@MODEST
@given(key=st.sampled_from(MARKUP_KEYS), value=hostile_text)
def test_catalog_texts_show_any_value_exactly_as_given(key: str, value: str) -> None:
    """A catalog text escapes every value: whatever a user or Ozon supplies, the text stays
    valid HTML (the fake Telegram parses it as Telegram would) and shows the value literally."""
    names = {field for _, field, _, _ in string.Formatter().parse(EN.template(key)) if field}
    rendered = EN(key, **dict.fromkeys(names, value))
    marker = "\x01"
    expected = plain_text(EN.template(key).format(**dict.fromkeys(names, marker)), "HTML")
    assert plain_text(rendered, "HTML") == expected.replace(marker, value)
    assert rendered.count("<") == EN.template(key).count("<")
