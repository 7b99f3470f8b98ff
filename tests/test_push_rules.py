"""The pure rules of Ozon's push notifications: who may send one, what one must carry, and when
a store whose push works is scanned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.push import (
    LOOPBACK,
    OZON_NETWORKS,
    MissingField,
    PushState,
    PushType,
    allowed_sender,
    parse_networks,
    push_state,
    read_notification,
    scan_due,
    sender_of,
)
from fakes.ozon_push import push_message

pytestmark = pytest.mark.unit
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
ALLOWED = parse_networks(OZON_NETWORKS + LOOPBACK)
PROXIES = parse_networks(LOOPBACK)


@pytest.mark.parametrize(("peer", "forwarded", "allowed"), [
    ("195.34.21.9", None, True),  # Ozon directly
    ("185.73.195.1", None, True),  # inside the /22
    ("185.73.196.1", None, False),  # just outside it
    ("8.8.8.8", None, False),
    ("127.0.0.1", None, True),  # a local call, no proxy header
    ("127.0.0.1", "91.223.93.4", True),  # Ozon behind the local reverse proxy
    ("127.0.0.1", "8.8.8.8", False),  # someone else behind it
    ("127.0.0.1", "195.34.21.9, 8.8.8.8", False),  # a forged first hop is not believed
    ("8.8.8.8", "195.34.21.9", False),  # only a trusted proxy's header is read
    ("127.0.0.1", "not an address", False),
])  # fmt: skip
def test_only_ozons_addresses_are_let_in(peer: str, forwarded: str | None, allowed: bool) -> None:
    assert allowed_sender(sender_of(peer, forwarded, PROXIES), ALLOWED) is allowed


def test_every_documented_message_reads_and_resendings_share_a_key() -> None:
    for kind in PushType:
        notification = read_notification(push_message(kind.value))
        assert notification.kind is kind
    first = read_notification(push_message("TYPE_NEW_POSTING", posting_number="1-1-1"))
    again = read_notification(push_message("TYPE_NEW_POSTING", posting_number="1-1-1"))
    other = read_notification(push_message("TYPE_NEW_POSTING", posting_number="1-1-2"))
    assert first.key == again.key != other.key
    assert read_notification({"message_type": "TYPE_SOMETHING_NEW"}).kind is None


@pytest.mark.parametrize("body", [
    [], {}, {"message_type": ""}, {"message_type": "TYPE_NEW_POSTING"},
    {"message_type": "TYPE_NEW_MESSAGE", "chat_id": "c", "chat_type": "Buyer_Seller"},
])  # fmt: skip
def test_a_message_without_what_its_type_needs_is_refused(body: object) -> None:
    with pytest.raises(MissingField):
        read_notification(body)


def test_a_store_whose_push_works_is_scanned_as_the_safety_net() -> None:
    every = timedelta(minutes=10)
    heard, scanned = NOW - timedelta(minutes=5), NOW - timedelta(minutes=3)
    assert push_state(None, NOW) is PushState.OFF
    assert push_state(heard, NOW) is PushState.RECEIVING
    assert push_state(NOW - timedelta(hours=2), NOW) is PushState.SILENT
    assert scan_due(scanned, None, NOW, every)  # push not set up: every round
    assert not scan_due(scanned, heard, NOW, every)  # receiving: not yet
    assert scan_due(NOW - every, heard, NOW, every)  # receiving: its interval came
    assert scan_due(scanned, NOW - timedelta(hours=2), NOW, every)  # fell silent
    assert scan_due(scanned, heard, NOW, None)  # push off in the settings
