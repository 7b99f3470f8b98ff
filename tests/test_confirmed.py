"""Nothing is claimed done that Ozon did not confirm: a change answered 200 with
`result: false` failed, worded as Ozon's refusal; one answered without a `result` may have
happened and says so. In-process, against the fake Ozon and Telegram and a real database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.i18n.texts import texts_for
from bot.views.format import format_day
from fakes.ozon import FakeOzon
from fakes.process import API_KEY, CLIENT_ID, USER
from fakes.telegram import FakeTelegram
from tests.helpers.alerts import alert_of, buttons
from tests.helpers.chat import now
from tests.helpers.inprocess import bot_parts, feed, until

pytestmark = pytest.mark.service

NUMBER = "9200-0001-1"
CANCEL = "/v2/posting/fbs/cancel"
CUTOFF = "/v1/posting/cutoff/set"


def shown() -> str:
    return (alert_of(TELEGRAM, NUMBER) or {}).get("text", "")


TELEGRAM: Any = None


async def tap(parts: Any, label: str, expect: str) -> None:
    message = alert_of(TELEGRAM, NUMBER)
    assert message is not None
    data = next(d for text, d in buttons(message).items() if label in text)
    TELEGRAM.press(USER, message["message_id"], data)
    await feed(parts, TELEGRAM)
    await until(lambda: expect in shown() or expect in TELEGRAM.texts(USER)[-1])


def run_to_confirmation(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon, steps: list[tuple[str, str]]
) -> list[str]:
    """Connects, waits for the alert, takes the steps; returns the actions' states."""

    async def take_steps(parts: Any) -> None:
        for label, expect in steps:
            await tap(parts, label, expect)

    return run_on_alert(tmp_path, telegram, ozon, ["cancel", "set_cutoff"], take_steps)


def run_on_alert(
    tmp_path: Path,
    telegram: FakeTelegram,
    ozon: FakeOzon,
    offered: list[str],
    steps: Callable[[Any], Awaitable[None]],
) -> list[str]:
    """The bot in-process with one alert (Ozon offering `offered`): `steps` act on it;
    returns the actions' states then."""
    global TELEGRAM
    TELEGRAM = telegram
    ozon.add_store(CLIENT_ID, API_KEY, name="Romashka")
    posting = FakeOzon.make_posting(NUMBER, now() + timedelta(hours=2))
    posting["available_actions"] = offered
    ozon.set_postings(CLIENT_ID, [posting])
    states: list[str] = []

    async def scenario() -> None:
        async with bot_parts(tmp_path, telegram, ozon) as parts:
            sending = asyncio.create_task(parts.sender.run())
            telegram.user_message(USER, f"/connect {CLIENT_ID} {API_KEY}")
            await feed(parts, telegram)
            await until(lambda: alert_of(telegram, NUMBER) is not None)
            await steps(parts)
            parts.sender.stop()
            await sending
            rows = await parts.db.fetch_all("SELECT state FROM actions ORDER BY id")
            states.extend(row[0] for row in rows)

    asyncio.run(scenario())
    return states


def test_a_cancel_answered_result_false_failed_and_the_alert_says_so(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    ozon.inject(CANCEL, 200, {"result": False})
    states = run_to_confirmation(tmp_path, telegram, ozon, [
        ("Cancel", "Pick the reason"), ("ran out", "error index"),
        ("Yes, cancel it", "Ozon answered that it made no change"),
    ])  # fmt: skip
    assert states == ["failed"]
    assert "Ozon did not cancel" in shown() and "Cancelled" not in shown()
    assert "Cancel" in "".join(buttons(alert_of(telegram, NUMBER) or {}))  # still actionable
    assert len(ozon.calls_to(CANCEL)) == 1


def test_a_new_date_answered_result_false_failed(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    ozon.inject(CUTOFF, 200, {"result": False})
    today = format_day(texts_for("en"), now(), ZoneInfo("Europe/Moscow"))  # the warehouse's
    states = run_to_confirmation(tmp_path, telegram, ozon, [
        ("Set shipping date", "Shipping date for"), (today, "Set the shipping date"),
        ("Yes, set this date", "Ozon answered that it made no change"),
    ])  # fmt: skip
    assert states == ["failed"]
    assert "extended" not in shown().lower()


def test_a_change_answered_without_a_result_may_have_happened(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    ozon.inject(CANCEL, 200, {})
    states = run_to_confirmation(tmp_path, telegram, ozon, [
        ("Cancel", "Pick the reason"), ("ran out", "error index"),
        ("Yes, cancel it", "it may have happened"),
    ])  # fmt: skip
    assert states == ["unknown"]


def test_a_confirmation_for_an_action_that_sends_nothing_is_refused_and_claims_nothing(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    """A support request is only prepared: a forged "yes" on its draft is no valid button,
    and leaves the draft a draft (it once stayed 'requested' until the next start)."""

    def answers() -> list[str]:
        return [a.get("text", "") for a in telegram.callback_answers.values()]

    async def forge_a_yes(parts: Any) -> None:
        await tap(parts, "Ask Ozon", "what caused the delay")
        token = await parts.db.fetch_value("SELECT token FROM actions WHERE kind = 'support'")
        message = alert_of(telegram, NUMBER) or {}
        telegram.press(USER, message["message_id"], f"ac:{token}:ok:", force=True)
        await feed(parts, telegram)
        await until(lambda: "This button is no longer valid." in answers())

    assert run_on_alert(tmp_path, telegram, ozon, ["cancel"], forge_a_yes) == ["draft"]
