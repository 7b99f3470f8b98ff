"""Property tests of the settings parsers over what users type: each accepts a valid value that
survives a round trip, or refuses with a short InvalidSetting message that is safe to show;
configured lead times follow the same rules."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

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
from tests.helpers.shown import assert_safe_to_show
from tests.helpers.strategies import MODEST, hostile_text

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
        with pytest.raises(InvalidSetting, match=r"invalid\.quiet_same"):
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
        with pytest.raises(InvalidSetting, match=r"invalid\.count"):
            parse_count(bad, 2, 50)
