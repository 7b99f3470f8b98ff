"""Presses waiting for their answer go before the work of presses already answered.

Telegram shows a spinner on a button until the bot answers the press. When many presses arrive
at once, each handler answers as soon as it has checked its press, then carries the action out
(Ozon calls, redraws). Without an order those slow parts interleave with the checks of the
presses behind them, and every spinner waits for all of it."""

from __future__ import annotations

import asyncio
import contextlib

MAX_WAIT_SECONDS = 1.0  # a steady stream of presses must not hold an answered action back


class PressGate:
    def __init__(self, max_wait: float = MAX_WAIT_SECONDS):
        self._waiting = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._max_wait = max_wait

    @property
    def waiting(self) -> int:
        """Presses arrived and not answered yet."""
        return self._waiting

    def arrived(self) -> PressTurn:
        self._waiting += 1
        self._idle.clear()
        return PressTurn(self)

    def _answered(self) -> None:
        self._waiting -= 1
        if not self._waiting:
            self._idle.set()

    async def _all_answered(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), self._max_wait)


class PressTurn:
    """One press's place at the gate."""

    def __init__(self, gate: PressGate):
        self._gate = gate
        self._waiting = True

    def release(self) -> None:
        """The press has its answer, never will, or waits behind the press before it on the same
        message (which may be waiting here): it no longer holds others back."""
        if self._waiting:
            self._waiting = False
            self._gate._answered()

    async def let_waiting_presses_first(self) -> None:
        """Marks this press answered, then waits until every press waiting for its answer has
        one (at most the gate's max wait)."""
        self.release()
        await self._gate._all_answered()
