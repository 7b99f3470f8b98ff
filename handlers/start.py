"""/start and /help, and a plain answer to private-only commands sent in a group."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from bot.i18n.texts import Texts
from handlers.filters import group_chat

router = Router(name="start")

PRIVATE_ONLY = ("stores", "status", "timezone", "history")


@router.message(CommandStart())
async def start(message: Message, tx: Texts) -> None:
    await message.answer(tx("start"))


@router.message(Command("help"))
async def help_(message: Message, tx: Texts) -> None:
    await message.answer(tx("help"))


@router.message(Command(*PRIVATE_ONLY), group_chat)
async def private_only(message: Message, tx: Texts) -> None:
    username = (await message.bot.me()).username if message.bot else ""
    await message.answer(tx("connect.private_only", bot_username=username))
