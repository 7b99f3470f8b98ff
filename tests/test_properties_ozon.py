"""Property tests of the Seller API client over hostile answers: any JSON, any bytes, junk
shaped like the models, any status. Every call returns a usable value or raises a typed
OzonError, and one odd posting never costs the rest of its page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from bot.ozon import OzonError, OzonUnavailable, UnreadableAnswer
from bot.ozon.models import (
    CancelReasons,
    ChatHistory,
    KeyRoles,
    Posting,
    SellerInfo,
    TimeslotRestrictions,
)
from tests.helpers.answers import Call, all_pages, ask_ozon, check_usable
from tests.helpers.strategies import FEWER, json_values, shaped

# Each way the client turns an answer into values: the call, what it returns, the answer shape.
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
        lambda s: s.changes.start_chat("1000-0001-1"),
        str,
        st.fixed_dictionaries({}, optional={"chat_id": json_values}),
    ),
    "pages": (
        all_pages,
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
    [answer] = ask_ozon(all_pages, json.dumps(body).encode())
    assert len(answer.postings) + answer.skipped == 2
    assert answer.postings[-1].posting_number == "1-1-1"
    for posting in answer.postings:
        check_usable(posting)


@pytest.mark.service
def test_a_number_as_postings_is_a_typed_error() -> None:
    with pytest.raises(OzonUnavailable):
        ask_ozon(all_pages, b'{"postings": 5, "has_next": false}')


@pytest.mark.service
def test_deeply_nested_json_is_a_typed_error() -> None:
    with pytest.raises(OzonUnavailable):
        ask_ozon(lambda s: s.roles(), b"[" * 100_000 + b"]" * 100_000)
