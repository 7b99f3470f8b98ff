"""The button protocol: what the bot draws reads back the same, anything else reads as nothing."""

from __future__ import annotations

import pytest

from bot.actions.press import PERMISSION_OF_ALERT_VERB
from bot.views.buttons import AlertButton, AlertVerb, StepButton, StepVerb, read_button

pytestmark = pytest.mark.unit


def test_drawn_buttons_read_back() -> None:
    alert = AlertButton(token="Ab-_9xYz012", verb=AlertVerb.SNOOZE, arg="30")
    step = StepButton(token="Ab-_9xYz012", verb=StepVerb.REASON, arg="402")
    assert read_button(alert.pack()) == alert
    assert read_button(step.pack()) == step
    assert len(alert.pack().encode()) <= 64  # Telegram's limit on callback data


def test_buttons_drawn_before_the_argument_was_written_still_work() -> None:
    assert read_button("al:tok:cancel") == AlertButton(token="tok", verb=AlertVerb.CANCEL)
    assert read_button("ac:tok:ok") == StepButton(token="tok", verb=StepVerb.OK)


@pytest.mark.parametrize(
    "data",
    ["", "al", "al:tok", "al:tok:launch:", "ac:tok:cancel:", "xx:tok:cancel:",
     "al:tok:open:1:2", "al:tok:open:ABC", "al:tok:open:1234567890123", "ac:tok:r:' OR 1=1"],
)  # fmt: skip
def test_anything_else_reads_as_nothing(data: str) -> None:
    assert read_button(data) is None


def test_every_alert_button_needs_a_permission() -> None:
    assert set(PERMISSION_OF_ALERT_VERB) == set(AlertVerb)
