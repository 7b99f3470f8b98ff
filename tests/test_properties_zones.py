"""Property tests of time zone names as users type them: a name is accepted only in its
canonical form, one that can show a time, and is otherwise refused with a message safe to show."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.timezones import valid_timezone
from bot.views.format import format_moment
from tests.helpers.shown import EN, assert_safe_to_show
from tests.helpers.strategies import MODEST, hostile_text

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
