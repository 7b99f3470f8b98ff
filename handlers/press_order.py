"""Outer middleware on button presses, first of all: each press on an alert takes its place at
the PressGate (bot/telegram/press_gate.py) until it is answered. Other buttons (settings,
stores) take none: their handlers finish their own slow work before they end."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, TelegramObject

from bot.telegram.press_gate import PressGate


class PressOrderMiddleware(BaseMiddleware):
    def __init__(self, gate: PressGate, prefixes: tuple[str, ...]):
        self._gate = gate
        self._prefixes = prefixes  # the callback data of the presses that take a place

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not (isinstance(event, CallbackQuery) and (event.data or "").startswith(self._prefixes)):
            return await handler(event, data)
        press = data["press_turn"] = self._gate.arrived()
        try:
            return await handler(event, data)
        finally:
            press.release()  # refused, throttled, or handled elsewhere: held back no one
