"""Ozon faults during the scan, on an injected clock: one notice, no retry storm, recovery."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fakes.ozon import FakeOzon
from storage.db import db_time
from tests.helpers.scan import Harness, posting, sends

pytestmark = pytest.mark.service

SCAN_PATH = "/v4/posting/fbs/unfulfilled/list"


def test_an_ozon_outage_is_told_once_and_its_end_too(harness: Harness, ozon: FakeOzon) -> None:
    harness.postings(posting("31-1-1", harness.at(30)))
    assert harness.scan() == []
    ozon.handlers[SCAN_PATH] = lambda client_id, body: (
        503,
        {"code": 14, "message": "Circle is open"},
    )
    try:
        notices = []
        for _ in range(30):  # half an hour of failures, one scan a minute
            notices += sends(harness.scan())
        assert len(notices) == 1 and "not been answering for <b>Shop</b>" in notices[0]
        calls = len(ozon.calls_to(SCAN_PATH))
        harness.now += timedelta(seconds=5)
        harness.scan()
        assert len(ozon.calls_to(SCAN_PATH)) == calls  # the circuit is open: Ozon is spared
    finally:
        del ozon.handlers[SCAN_PATH]
    harness.now += timedelta(minutes=20)
    back = sends(harness.scan())
    assert len(back) == 1 and "answers again" in back[0]
    assert harness.scan() == []


def test_a_key_about_to_expire_is_warned_a_week_and_a_day_before(harness: Harness) -> None:
    harness.postings()
    harness.scan()
    expires = harness.now + timedelta(days=5)
    harness.sql("UPDATE stores SET key_expires_at = ?", (db_time(expires),))
    week = sends(harness.scan())
    assert len(week) == 1 and "expires in 4 d 23 h" in week[0]
    assert harness.scan() == []
    harness.now += timedelta(days=4, hours=12)
    day = sends(harness.scan())
    assert len(day) == 1 and "expires in 11 h" in day[0]
    assert harness.scan() == []
