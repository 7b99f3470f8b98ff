"""/start and /help (in a group, handlers/groups.py answers them, and the private-only commands)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from bot.i18n.texts import Texts

router = Router(name="start")


@router.message(CommandStart())
async def start(message: Message, tx: Texts) -> None:
    await message.answer(tx("start"))


@router.message(Command("help"))
async def help_(message: Message, tx: Texts) -> None:
    await message.answer(tx("help"))
