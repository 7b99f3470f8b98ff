"""The sender's pacing: Telegram's limits kept on an injected clock."""

import pytest

from bot.telegram.pacing import SendPacer

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_one_message_per_second_per_chat_and_the_global_rate() -> None:
    clock = Clock()
    pacer = SendPacer(25, clock)
    pacer.record(1)
    assert pacer.wait(1) == 1.0
    assert abs(pacer.wait(2) - 0.04) < 1e-9  # another chat waits only for the global rate
    clock.now += 1.0
    assert pacer.wait(1) == 0.0


def test_twenty_a_minute_per_group() -> None:
    clock = Clock()
    pacer = SendPacer(1000, clock)
    for _ in range(20):
        assert pacer.wait(-5) == 0.0
        pacer.record(-5)
        clock.now += 1.0
    assert abs(pacer.wait(-5) - 40.0) < 1e-9  # the first of the 20 leaves the window at +60 s
    assert pacer.wait(7) == 0.0  # private chats have no per-minute limit


def test_a_global_pause_holds_every_chat() -> None:
    clock = Clock()
    pacer = SendPacer(25, clock)
    pacer.pause_all(5)
    assert pacer.wait(1) == 5.0 and pacer.wait(-1) == 5.0
