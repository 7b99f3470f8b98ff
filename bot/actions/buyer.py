"""Messaging the buyer: a template (or the seller's own words), why the posting is late, the
day promised, a preview of the Russian text, then the chat is started and the message sent.
Ozon opens buyer chats only on the Premium Plus and Premium Pro plans."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.actions.flow import CAUSES, Flow, Screen, Step, Wizard
from bot.i18n.texts import buyer_text
from bot.ozon import AccessDenied, BadRequest, OzonError
from bot.views.buttons import AlertVerb, StepVerb
from bot.views.format import format_day, shorten
from storage import buyer_chats as buyer_chats_db

CHAT_PLANS = frozenset({"PREMIUM_PLUS", "PREMIUM_PRO"})
TEMPLATES = ("date", "compensation", "choice", "own")
PROMISE_DAYS = ("1", "2", "3")
MAX_BUYER_TEXT = 1000
FOLLOW_BUYER_FOR = timedelta(days=7)


async def start(flow: Flow) -> Screen:
    try:
        info = await flow.seller().seller_info()
    except OzonError as error:
        return await flow.with_error(error, "action.buyer.failed")
    if info.subscription.type not in CHAT_PLANS:
        return await flow.step(flow.tx("action.buyer.no_premium", store=flow.press.store.name), [])
    await flow.create("message", {})
    rows = [
        [flow.button(flow.tx.plain(f"template.{key}"), StepVerb.TEMPLATE, key)] for key in TEMPLATES
    ]
    return await flow.step(
        flow.tx("action.buyer.templates", number=flow.press.posting.posting_number), rows
    )


async def pick_template(flow: Flow, arg: str) -> Screen:
    flow.params["template"] = arg
    await flow.save()
    if arg == "own":
        return await flow.await_text(flow.tx("action.buyer.own"))
    return await flow.step(flow.tx("action.buyer.cause"), flow.cause_rows())


async def pick_cause(flow: Flow, arg: str) -> Screen:
    flow.params["cause"] = arg
    if flow.params["template"] != "date":
        return await _compose(flow)
    await flow.save()
    timezone = await flow.timezone()
    rows = [
        [flow.button(format_day(flow.tx, flow.now() + timedelta(days=int(days)), timezone),
                     StepVerb.DAYS, days)]
        for days in PROMISE_DAYS
    ]  # fmt: skip
    return await flow.step(flow.tx("action.buyer.days"), rows)


async def pick_days(flow: Flow, arg: str) -> Screen:
    flow.params["days"] = int(arg)
    return await _compose(flow)


async def own_text(flow: Flow, text: str) -> Screen:
    if not text or len(text) > MAX_BUYER_TEXT:
        return await flow.await_text(flow.tx("action.buyer.too_long", length=len(text)))
    flow.params["text"] = text
    await flow.save()
    return await _preview(flow)


async def _compose(flow: Flow) -> Screen:
    params, posting = flow.params, flow.press.posting
    product = posting.products[0].name if posting.products else posting.posting_number
    timezone = await flow.timezone()
    # The calendar day the seller picked on the button, in the seller's time zone.
    promised = (flow.now() + timedelta(days=params.get("days", 1))).astimezone(ZoneInfo(timezone))
    params["text"] = buyer_text(
        params["template"],
        number=posting.order_number or posting.posting_number,
        product=shorten(product, 80),
        cause=buyer_text(f"cause.{params['cause']}"),
        date=russian_day(promised),
        shop=flow.press.store.name,
    )
    params["promised"] = format_day(flow.tx, promised, timezone)
    await flow.save()
    return await _preview(flow)


async def _preview(flow: Flow) -> Screen:
    params = flow.params
    meaning = flow.tx(
        f"meaning.{params.get('template', 'own')}",
        cause=flow.tx(f"cause.{params['cause']}") if params.get("cause") else "",
        date=params.get("promised", ""),
    )
    prompt = flow.tx(
        "action.buyer.preview",
        number=flow.press.posting.posting_number,
        text=params["text"],
        meaning=meaning,
    )
    return await flow.step(prompt, [flow.confirm_row("button.send")])


async def send(flow: Flow) -> None:
    """Starts the chat, sends the text, and follows the chat for the buyer's answer."""
    seller, press = flow.seller(), flow.press
    chat = await seller.changes.start_chat(press.posting.posting_number)
    try:
        history = await seller.chat_history(chat, limit=1)
    except OzonError:
        history = []  # then earlier buyer messages are relayed too: better than none
    await seller.changes.send_chat_message(chat, flow.params["text"])
    await buyer_chats_db.follow(
        flow.wiring.db,
        store_id=press.store.id,
        posting_number=press.posting.posting_number,
        chat_id=press.message.chat_id,
        ozon_chat_id=chat,
        message_id=press.message.id,
        last_message_id=max((m.message_id for m in history), default=0),
        until=flow.now() + FOLLOW_BUYER_FOR,
    )


async def refused(flow: Flow, error: OzonError) -> Screen | None:
    """The plan was checked at the start, so Ozon refusing the chat now is, as far as the API
    tells, its time window (72 h after payment or delivery, then only replies within 48 h of
    the buyer's last message): explained, with Ozon's own words."""
    if not isinstance(error, AccessDenied | BadRequest):
        return None
    flow.action = None  # over: "back" leads to the alert
    return await flow.step(flow.tx("action.buyer.refused", reason=error.message), [])


def russian_day(local: datetime) -> str:
    """'27 ноября': the day as the buyer reads it."""
    return format_date(local, "d MMMM", locale="ru")


def _template_chosen(params: dict[str, Any], arg: str) -> bool:
    return params.get("template") in TEMPLATES


def _known_cause(params: dict[str, Any], arg: str) -> bool:
    return _template_chosen(params, arg) and arg in CAUSES


def _days_after_cause(params: dict[str, Any], arg: str) -> bool:
    return _template_chosen(params, arg) and "cause" in params and arg in PROMISE_DAYS


MESSAGE = Wizard(
    kind="message",
    starts_on=AlertVerb.BUYER,
    offered_by="can_create_chat",
    start=start,
    steps=(
        Step(StepVerb.TEMPLATE, pick_template, accepts=lambda _, arg: arg in TEMPLATES),
        Step(StepVerb.CAUSE, pick_cause, accepts=_known_cause),
        Step(StepVerb.DAYS, pick_days, accepts=_days_after_cause),
    ),
    typed=own_text,
    carry_out=send,
    failure="action.buyer.failed",
    refused=refused,
)
