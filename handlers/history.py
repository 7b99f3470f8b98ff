"""/history: the last actions on the user's stores; `/history csv` sends them as a file."""

from __future__ import annotations

import csv
import io

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message

from bot.actions.interrupted import RESTART_NOTES
from bot.actions.service import ActionService
from bot.core.kinds import ActionState
from bot.i18n.texts import Markup, Texts
from bot.views.format import OZON_NOTES, format_moment
from handlers.filters import private_chat
from handlers.replies import answer_in_parts
from storage.actions import Action
from storage.chats import ChatSettings

router = Router(name="history")
router.message.filter(private_chat)

HISTORY_SIZE = 20
CSV_COLUMNS = (
    "time_utc", "store", "posting_number", "action", "by", "state", "sent", "ozon_answer",
)  # fmt: skip


@router.message(Command("history"))
async def history(
    message: Message,
    command: CommandObject,
    actions: ActionService,
    chat_settings: ChatSettings,
    tx: Texts,
) -> None:
    as_file = (command.args or "").strip().lower() == "csv"
    entries = await actions.history(message.chat.id, None if as_file else HISTORY_SIZE)
    if not entries:
        await message.answer(tx("history.none"))
        return
    if as_file:
        await message.answer_document(BufferedInputFile(_csv(entries), filename="history.csv"))
        return
    lines = [tx("history.header")]
    lines += [_line(tx, action, store, chat_settings.timezone) for action, store in entries]
    await answer_in_parts(message, "\n".join(lines))


def _line(tx: Texts, action: Action, store: str, timezone: str) -> Markup:
    if action.state == ActionState.FAILED:
        error = action.response or ""
        said = tx(error) if error in RESTART_NOTES | OZON_NOTES else error  # else Ozon's words
        result = tx("history.state.failed", error=said)
    else:
        result = tx(f"history.state.{action.state}")
    return tx(
        "history.line",
        when=format_moment(tx, action.updated_at, timezone),
        store=store,
        number=action.posting_number,
        action=tx(f"history.kind.{action.kind}"),
        name=action.actor_name,
        result=result,
    )


def _csv(entries: list[tuple[Action, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for action, store in entries:
        row = (
            action.updated_at.isoformat(),
            store,
            action.posting_number,
            action.kind,
            action.actor_name,
            action.state,
            action.request or "",
            action.response or "",
        )
        writer.writerow([_inert(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(cell: str) -> str:
    """Spreadsheets run a cell starting with = + - @ (or a tab or carriage return before one)
    as a formula: a leading quote keeps it text. Every cell gets it, since most carry what
    someone else typed: a name, a store name, a buyer text, Ozon's answer."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
