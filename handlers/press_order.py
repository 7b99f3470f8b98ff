"""Outer middleware on button presses, first of all: each press takes its place at the
PressGate (bot/press_gate.py) until it is answered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from bot.press_gate import PressGate


class PressOrderMiddleware(BaseMiddleware):
    def __init__(self, gate: PressGate):
        self._gate = gate

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        press = data["press_turn"] = self._gate.arrived()
        try:
            return await handler(event, data)
        finally:
            press.release()  # refused, throttled, or handled elsewhere: held back no one
