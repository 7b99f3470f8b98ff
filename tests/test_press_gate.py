"""bot/telegram/press_gate.py: an answered press's slow work waits for the presses still waiting for
their answer, never longer than the gate's limit."""

from __future__ import annotations

import asyncio

import pytest

from bot.telegram.press_gate import PressGate

pytestmark = pytest.mark.unit


def test_work_after_an_answer_waits_for_the_presses_still_unanswered() -> None:
    async def run() -> list[str]:
        gate, order = PressGate(), []
        first, second = gate.arrived(), gate.arrived()

        async def answered_first() -> None:
            await first.let_waiting_presses_first()
            order.append("first's work")

        async def answered_later() -> None:
            await asyncio.sleep(0.05)
            order.append("second answered")
            second.release()

        await asyncio.gather(answered_first(), answered_later())
        return order

    assert asyncio.run(run()) == ["second answered", "first's work"]


def test_a_press_that_never_answers_holds_nothing_back_for_long() -> None:
    async def run() -> float:
        gate = PressGate(max_wait=0.05)
        gate.arrived()  # stuck: say, behind the lock of its message
        loop = asyncio.get_running_loop()
        began = loop.time()
        await gate.arrived().let_waiting_presses_first()
        return loop.time() - began

    assert 0.04 <= asyncio.run(run()) < 1


def test_answering_twice_counts_once() -> None:
    gate = PressGate()
    turn, other = gate.arrived(), gate.arrived()
    turn.release()
    turn.release()
    assert gate.waiting == 1
    other.release()
    assert gate.waiting == 0
