"""Ozon's push notifications (the Seller API document, tags push_start, push_types,
service_response, push_resending), as pure rules: who may send one, what one says, and whether
a store's push is healthy. No I/O, no clock reads."""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

# push_start: "IP addresses from which notifications are sent". Requests carry no signature.
OZON_NETWORKS = ("195.34.21.0/24", "185.73.192.0/22", "91.223.93.0/24")
LOOPBACK = ("127.0.0.0/8", "::1/128")  # a reverse proxy on the same host
HEALTHY_FOR = timedelta(hours=1)  # a notification or ping seen within it: push works

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class PushType(StrEnum):
    PING = "TYPE_PING"
    NEW_POSTING = "TYPE_NEW_POSTING"
    POSTING_CANCELLED = "TYPE_POSTING_CANCELLED"
    STATE_CHANGED = "TYPE_STATE_CHANGED"
    CUTOFF_DATE_CHANGED = "TYPE_CUTOFF_DATE_CHANGED"
    DELIVERY_DATE_CHANGED = "TYPE_DELIVERY_DATE_CHANGED"
    STOCKS_CHANGED = "TYPE_STOCKS_CHANGED"
    NEW_MESSAGE = "TYPE_NEW_MESSAGE"
    CHAT_CLOSED = "TYPE_CHAT_CLOSED"


POSTING_TYPES = frozenset({
    PushType.NEW_POSTING, PushType.POSTING_CANCELLED, PushType.STATE_CHANGED,
    PushType.CUTOFF_DATE_CHANGED, PushType.DELIVERY_DATE_CHANGED,
})  # fmt: skip
# What each type the bot acts on must carry; push_types lists more, which are answered and
# ignored (products, message updates and reads).
REQUIRED: dict[PushType, tuple[str, ...]] = {
    PushType.PING: ("time",),
    **{kind: ("posting_number",) for kind in POSTING_TYPES},
    PushType.STOCKS_CHANGED: ("items",),
    PushType.NEW_MESSAGE: ("chat_id", "chat_type", "message_id"),
    PushType.CHAT_CLOSED: ("chat_id",),
}
BUYER_CHAT = "Buyer_Seller"


class MissingField(ValueError):
    """A notification without a field its type needs: Ozon's ERROR_PARAMETER_VALUE_MISSED."""


@dataclass(frozen=True)
class Notification:
    kind: PushType | None  # None: a type the bot does not act on
    body: Mapping[str, Any]
    key: str  # the same for every resending of one notification

    @property
    def seller_id(self) -> str | None:
        value = self.body.get("seller_id")
        return None if value in (None, "", 0) else str(value)


def read_notification(body: object) -> Notification:
    """What a request body says; raises MissingField when a field its type needs is absent."""
    if not isinstance(body, dict):
        raise MissingField("the body is not a JSON object")
    message_type = body.get("message_type")
    if not isinstance(message_type, str) or not message_type:
        raise MissingField("message_type is missing")
    try:
        kind: PushType | None = PushType(message_type)
    except ValueError:
        kind = None
    for name in REQUIRED.get(kind, ()) if kind else ():
        if body.get(name) in (None, ""):
            raise MissingField(f"{name} is missing")
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return Notification(kind, body, hashlib.sha256(canonical.encode()).hexdigest())


def parse_networks(values: Sequence[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values)


def sender_of(peer: str, forwarded_for: str | None, proxies: Sequence[Network]) -> str | None:
    """The address a request came from: the peer, or, when the peer is a trusted proxy, the
    last address in X-Forwarded-For that is not a trusted proxy. None: unreadable."""
    try:
        chain = [ipaddress.ip_address(peer)]
        if _within(chain[0], proxies) and forwarded_for:
            chain = [ipaddress.ip_address(part.strip()) for part in forwarded_for.split(",")]
            chain.reverse()  # the nearest hop is the last one listed
    except ValueError:
        return None
    for address in chain:
        if not _within(address, proxies):
            return str(address)
    return str(chain[-1])


def allowed_sender(address: str | None, allowed: Sequence[Network]) -> bool:
    if address is None:
        return False
    return _within(ipaddress.ip_address(address), allowed)


def _within(address: ipaddress.IPv4Address | ipaddress.IPv6Address,
            networks: Sequence[Network]) -> bool:  # fmt: skip
    return any(address.version == net.version and address in net for net in networks)


class PushState(StrEnum):
    OFF = "off"  # never received one
    RECEIVING = "receiving"
    SILENT = "silent"  # received before, nothing within HEALTHY_FOR


def push_state(last_seen: datetime | None, now: datetime) -> PushState:
    if last_seen is None:
        return PushState.OFF
    return PushState.RECEIVING if now - last_seen <= HEALTHY_FOR else PushState.SILENT


def scan_due(
    last_scan_at: datetime | None, push_seen_at: datetime | None, now: datetime,
    push_interval: timedelta | None,
) -> bool:  # fmt: skip
    """Whether a store is scanned in this round: always, unless its push is healthy, which
    makes the scan the safety net, every `push_interval` (None: push is off)."""
    if push_interval is None or last_scan_at is None:
        return True
    if push_state(push_seen_at, now) is not PushState.RECEIVING:
        return True
    return now - last_scan_at >= push_interval
