"""What a service needs of the running bot: the database, each store's Seller API client, the
clock, and the outbox sender to wake when something is owed to Telegram."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import utcnow
from bot.services.sellers import Sellers
from storage import Database


def _nobody_to_wake() -> None:
    return None


@dataclass(frozen=True)
class Wiring:
    db: Database
    sellers: Sellers
    clock: Callable[[], datetime] = field(default=utcnow)
    on_outbox: Callable[[], None] = field(default=_nobody_to_wake)
