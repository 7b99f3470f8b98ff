"""Asking Ozon support for time, where Ozon offers no new date: why the seller is late, then a
Russian request to copy into a support ticket. Nothing goes to Ozon from the bot."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.actions.buyer import russian_day
from bot.actions.flow import CAUSES, Flow, Screen, Step, Wizard
from bot.core.kinds import ActionState
from bot.i18n.texts import buyer_text
from bot.views.buttons import AlertVerb, StepVerb
from storage import actions as actions_db

SUPPORT_URL = "https://seller.ozon.ru/app/support"
MOSCOW = ZoneInfo("Europe/Moscow")  # Ozon support reads times in Moscow time


async def start(flow: Flow) -> Screen:
    await flow.create("support", {})
    prompt = flow.tx("action.ask.cause", number=flow.press.posting.posting_number)
    return await flow.step(prompt, flow.cause_rows())


async def pick_cause(flow: Flow, arg: str) -> Screen:
    posting, store, action = flow.press.posting, flow.press.store, flow.action
    assert action is not None
    flow.params["cause"] = arg
    text = buyer_text(
        "support",
        number=posting.posting_number,
        deadline=posting.shipment_date.astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M"),
        cause=buyer_text(f"reason.{arg}"),
        date=_russian_date(max(posting.shipment_date, flow.now()) + timedelta(days=2)),
        shop=store.name,
        client_id=store.client_id,
    )
    flow.params["text"] = text
    await flow.save()
    db, now = flow.wiring.db, flow.now()
    request = json.dumps(flow.params, ensure_ascii=False)
    if await actions_db.claim(db, action.id, action.actor_id, action.actor_name, request, now):
        await actions_db.finish(db, action.id, ActionState.DONE, "prepared for Ozon support", now)
    alert = await flow.screens.of(flow.press.message)
    rows = [
        [InlineKeyboardButton(text=flow.tx.plain("button.support"), url=SUPPORT_URL)],
        [flow.alert_button(flow.tx.plain("button.back"), AlertVerb.BACK)],
    ]
    return Screen(
        alert.text + "\n\n" + flow.tx("action.ask.text", text=text),
        InlineKeyboardMarkup(inline_keyboard=rows),
    )


def _russian_date(moment: datetime) -> str:
    return russian_day(moment.astimezone(MOSCOW))


SUPPORT = Wizard(
    kind="support",
    starts_on=AlertVerb.ASK,
    offered_by=None,
    start=start,
    steps=(Step(StepVerb.CAUSE, pick_cause, accepts=lambda _, arg: arg in CAUSES),),
)
