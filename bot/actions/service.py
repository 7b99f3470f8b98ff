"""One-tap responses from an alert: cancel, message the buyer, extend, ask Ozon for time.

A press is resolved first (fast, database only: is the button genuine, may this user act, is
the posting still pending?), answered, and only then performed (Ozon calls). Each action is a
database row whose state makes a double press or two confirming team members call Ozon once."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from babel.dates import format_date

from bot.core.deadlines import deadline_stage
from bot.core.kinds import ActionState, MessageKind
from bot.core.permissions import RoleOf, allowed, needed_role, private_role
from bot.i18n.texts import Markup, buyer_text, t
from bot.ozon import (
    AccessDenied,
    OzonError,
    OzonUnavailable,
    Posting,
    RateLimited,
    SellerClient,
)
from bot.security.tokens import new_token
from bot.services.wiring import Wiring
from bot.views.alerts import AlertRenderer, views_of
from bot.views.format import format_day, format_moment, shorten
from bot.views.keyboards import alert_callback
from bot.views.render import PostingView
from storage import actions as actions_db
from storage import alerts as alerts_db
from storage import buyer_chats as buyer_chats_db
from storage import claims as claims_db
from storage import outbox as outbox_db
from storage import presses as presses_db
from storage import stores as stores_db
from storage.actions import Action
from storage.alerts import AlertMessage
from storage.presses import PressedAlert
from storage.stores import Store

CHAT_PLANS = frozenset({"PREMIUM_PLUS", "PREMIUM_PRO"})
CAUSES = ("stock", "supplier", "logistics", "mistake", "system", "force")
TEMPLATES = ("date", "compensation", "choice", "own")
OTHER_REASON = 402  # Ozon's "other": a written explanation is required
MAX_BUYER_TEXT = 1000
MAX_TIMESLOT_DAYS = 7
FOLLOW_BUYER_FOR = timedelta(days=7)
SCREEN_LIMIT = 4000  # characters, below Telegram's 4,096
ALERT_HEAD_LINES = 3
SUPPORT_URL = "https://seller.ozon.ru/app/support"
# Alert buttons and the permission each needs ("open" covers merely looking and going back).
KIND_OF_ALERT_VERB = {
    "cancel": "cancel",
    "buyer": "message",
    "extend": "extend",
    "ask": "support",
    "open": "open",
    "back": "open",
    "claim": "claim",
    "release": "claim",
    "snooze": "snooze",
}
SNOOZE_MINUTES = ("30", "120")
# The stages a posting opened from a stock message is shown at: the usual ones, and a week.
OPENED_LEADS = (7 * 86400, 86400, 14400, 3600)
ACTION_VERBS = frozenset({"r", "t", "c", "d", "s", "ok", "back", "typed"})
ARGUMENT = re.compile(r"[a-z0-9]{0,12}")


@dataclass(frozen=True)
class Actor:
    id: int
    name: str


@dataclass(frozen=True)
class Screen:
    """What the alert message shows now; `expects_text` names the action awaiting typing."""

    text: str
    keyboard: InlineKeyboardMarkup | None
    expects_text: str | None = None


class Refusal(Exception):
    """A press that does nothing; `text` is the short popup, `refresh` redraws the alert."""

    def __init__(self, text: str, *, refresh: bool = False):
        super().__init__(text)
        self.text = text
        self.refresh = refresh


class MaybeDone(Exception):
    """Something failed after an action was sent to Ozon, before its answer was recorded: it
    may have happened. The action is left 'unknown', its button works again."""


@dataclass(frozen=True)
class Press:
    message: AlertMessage
    store: Store
    view: PostingView
    action: Action | None
    verb: str
    arg: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def posting(self) -> Posting:
        return self.view.posting


class ActionService:
    def __init__(self, wiring: Wiring, *, role_of: RoleOf = private_role):
        self._role_of = role_of
        self._db = wiring.db
        self._sellers = wiring.sellers
        self._clock = wiring.clock
        self._on_outbox = wiring.on_outbox
        self._renderer = AlertRenderer(wiring.db)

    # ----- resolving a press: fast, no Ozon calls -----

    async def resolve(
        self,
        data: str,
        chat_id: int,
        actor: Actor,
        pressed_message_id: int | None = None,
    ) -> Press:
        """Checks a press; `pressed_message_id` is the Telegram message the button was on
        (None for typed text)."""
        parts = data.split(":")
        action: Action | None = None
        pressed: PressedAlert | None = None
        if parts[0] == "al" and len(parts) in (3, 4):
            pressed = await presses_db.pressed_alert(self._db, parts[1])
        elif parts[0] == "ac" and len(parts) in (3, 4):
            found = await presses_db.pressed_action(self._db, parts[1])
            if found is None or found[0].chat_id != chat_id:
                raise Refusal(t("answer.invalid"))
            action, pressed = found
        if pressed is None:
            raise Refusal(t("answer.invalid"))
        message, store = pressed.message, pressed.store
        verb, arg = parts[2], parts[3] if len(parts) == 4 else ""
        known = ACTION_VERBS if action else KIND_OF_ALERT_VERB
        if message.chat_id != chat_id or verb not in known:
            raise Refusal(t("answer.invalid"))
        if not ARGUMENT.fullmatch(arg) or (verb == "snooze" and arg not in SNOOZE_MINUTES):
            raise Refusal(t("answer.invalid"))
        if pressed_message_id is not None and message.telegram_message_id not in (
            None,
            pressed_message_id,
        ):
            raise Refusal(t("answer.invalid"))  # a button copied onto another message
        if (message.kind == MessageKind.ALERT) == (verb == "open"):
            raise Refusal(t("answer.invalid"))  # "open" is for grouped alerts only
        kind = action.kind if action else KIND_OF_ALERT_VERB[verb]
        role = await self._role_of(store.owner_user_id, chat_id, actor.id)
        kind = "extend" if kind == "timeslot" else kind  # moving delivery is extending too
        if not allowed(role, kind, pressed.rules):
            needed = needed_role(kind, pressed.rules) or "owner"
            raise Refusal(t(f"answer.not_allowed.{needed}", action=t(f"permission.{kind}")))
        views = views_of(pressed.postings)
        index = int(arg) if verb == "open" and arg.isdecimal() else 0
        if index >= len(views):
            raise Refusal(t("answer.invalid"))
        view = views[index]
        number = view.posting.posting_number
        cancelled = number in pressed.cancelled
        if view.outcome is not None or cancelled:
            state = (
                t(f"outcome.short.{view.outcome}", status=view.posting.status)
                if view.outcome
                else t("outcome.short.cancelled")
            )
            raise Refusal(t("answer.no_longer_needed", state=state), refresh=True)
        if verb == "open" and any(
            m.chat_id == chat_id and m.kind == MessageKind.ALERT
            for m in await alerts_db.messages_about(self._db, store.id, number)
        ):
            raise Refusal(t("answer.opened"))
        press = Press(
            message, store, view, action, verb, arg, dict(action.params) if action else {}
        )
        if action is not None:
            await self._check_draft(action, verb, actor)
        return press

    async def _check_draft(self, action: Action, verb: str, actor: Actor) -> None:
        if action.state == ActionState.DRAFT:
            if verb != "ok":
                return
            request = json.dumps(action.params, ensure_ascii=False)
            if await actions_db.claim(
                self._db, action.id, actor.id, actor.name, request, self._clock()
            ):
                return
            current = await actions_db.action_by_token(self._db, action.token)
            action = current or action
        if action.state == ActionState.REQUESTED:
            raise Refusal(t("answer.in_progress"))
        if action.state == ActionState.DONE:
            raise Refusal(t("answer.done"), refresh=True)
        raise Refusal(t("answer.step_over"), refresh=True)

    # ----- performing it: may call Ozon -----

    async def perform(self, press: Press, actor: Actor) -> Screen | None:
        """The new look of the pressed message (None: it stays as it is)."""
        if press.verb == "open":
            await self._open_from_group(press)
            return None
        if press.verb in ("claim", "release", "snooze"):
            await self._team_step(press, actor)
            return await self.alert_screen(press.message)
        if press.verb == "back":
            await actions_db.abort_drafts(self._db, press.message.id, self._clock())
            return await self.alert_screen(press.message)
        if press.action is None:
            return await self._start(press, actor)
        if press.verb == "ok":
            return await self._carry_out(press, press.action)
        return await self._next_step(press, press.action)

    async def _team_step(self, press: Press, actor: Actor) -> None:
        """Claim, release or snooze: the team's own state, no Ozon call; logged for audit."""
        now = self._clock()
        where = claims_db.ClaimPlace(
            press.message.chat_id, press.store.id, press.posting.posting_number
        )
        params: dict[str, Any] = {}
        if press.verb == "snooze":
            until = now + timedelta(minutes=int(press.arg))
            if press.posting.shipment_date > now:
                until = min(until, press.posting.shipment_date)  # never past the deadline
            await claims_db.set_snooze(self._db, where, until=until, name=actor.name, now=now)
            params["until"] = until.isoformat()
        else:
            claimer = actor if press.verb == "claim" else None
            await claims_db.set_claim(
                self._db,
                where,
                user_id=claimer.id if claimer else None,
                name=claimer.name if claimer else None,
                now=now,
            )
        await actions_db.create_action(
            self._db,
            token=new_token(),
            chat_id=press.message.chat_id,
            message_id=press.message.id,
            store_id=press.store.id,
            posting_number=press.posting.posting_number,
            kind=press.verb,
            actor_id=actor.id,
            actor_name=actor.name,
            params=params,
            now=now,
            state=ActionState.DONE,
        )

    async def _open_from_group(self, press: Press) -> None:
        """Sends the posting its own alert, with its buttons, below the grouped one."""
        deadline = press.view.alerted_deadline or press.posting.shipment_date
        group = press.message
        stage = group.stage
        if stage is None:  # a stock message announces no deadline stage: the posting's own
            stage = deadline_stage(deadline, self._clock(), OPENED_LEADS) or OPENED_LEADS[0]
        async with self._db.transaction():
            message_id = await alerts_db.create_message(
                self._db, chat_id=group.chat_id, thread_id=group.thread_id,
                store_id=group.store_id, kind=MessageKind.ALERT, stage=stage,
                postings=[(press.posting.posting_number, deadline)], token=new_token(),
                now=self._clock(),
            )  # fmt: skip
            message = await alerts_db.message_by_id(self._db, message_id)
            assert message is not None
            screen = await self.alert_screen(message)
            await outbox_db.enqueue(
                self._db,
                chat_id=message.chat_id,
                thread_id=message.thread_id,
                message_id=message.id,
                action="send",
                text=screen.text,
                reply_markup=screen.keyboard.model_dump_json() if screen.keyboard else None,
                reply_to=press.message.id,
                urgent=True,
                now=self._clock(),
            )
        self._on_outbox()

    async def alert_screen(self, message: AlertMessage) -> Screen:
        store = await stores_db.store_by_id(self._db, message.store_id)
        text, keyboard = await self._renderer.render(
            message, store.name if store else "", self._clock()
        )
        return Screen(text, keyboard)

    async def alert_screen_for(self, chat_id: int, telegram_message_id: int) -> Screen | None:
        message = await alerts_db.message_by_telegram_id(self._db, chat_id, telegram_message_id)
        return await self.alert_screen(message) if message else None

    async def typed(
        self, token: str, text: str, chat_id: int, actor: Actor
    ) -> tuple[Screen, AlertMessage]:
        """Text typed for an action (Ozon's explanation for reason 402, or an own message)."""
        press = await self.resolve(f"ac:{token}:typed", chat_id, actor)
        action = press.action
        assert action is not None
        if not press.params.pop("awaiting_text", False):
            raise Refusal(t("answer.not_typing"))
        text = text.strip()
        if action.kind == "cancel":
            press.params["message"] = text[:500]
            await self._save(action, press.params)
            return await self._cancel_confirmation(press, action), press.message
        if not text or len(text) > MAX_BUYER_TEXT:
            prompt = t("action.buyer.too_long", length=len(text))
            return await self._await_text(press, action, prompt), press.message
        press.params["text"] = text
        await self._save(action, press.params)
        return await self._preview(press, action), press.message

    async def _start(self, press: Press, actor: Actor) -> Screen:
        posting = press.posting
        offered = set(posting.available_actions)
        if press.verb == "cancel" and "cancel" in offered:
            return await self._start_cancel(press, actor)
        if press.verb == "buyer" and "can_create_chat" in offered:
            return await self._start_message(press, actor)
        if press.verb == "extend" and "set_cutoff" in offered:
            return await self._start_cutoff(press, actor)
        if press.verb == "extend" and "set_timeslot" in offered:
            return await self._start_timeslot(press, actor)
        if press.verb == "ask":
            action = await self._create(press, actor, "support", {})
            prompt = t("action.ask.cause", number=posting.posting_number)
            return await self._step(press, prompt, self._cause_rows(action), action)
        return await self.alert_screen(press.message)  # Ozon no longer offers it

    async def _start_cancel(self, press: Press, actor: Actor) -> Screen:
        number = press.posting.posting_number
        try:
            reasons = await self._seller(press.store).cancel_reasons(number)
        except OzonError as error:
            return await self._with_error(press, error, "action.cancel.failed")
        if not reasons:
            return await self._step(press, t("action.cancel.no_reasons", number=number), [], None)
        action = await self._create(
            press, actor, "cancel", {"reasons": {str(r.id): r.title for r in reasons}}
        )
        rows = [[self._button(r.title[:60], action, "r", str(r.id))] for r in reasons]
        return await self._step(press, t("action.cancel.reasons", number=number), rows, action)

    async def _start_message(self, press: Press, actor: Actor) -> Screen:
        try:
            info = await self._seller(press.store).seller_info()
        except OzonError as error:
            return await self._with_error(press, error, "action.buyer.failed")
        if info.subscription.type not in CHAT_PLANS:
            return await self._step(
                press, t("action.buyer.no_premium", store=press.store.name), [], None
            )
        action = await self._create(press, actor, "message", {})
        rows = [[self._button(t(f"template.{key}"), action, "t", key)] for key in TEMPLATES]
        prompt = t("action.buyer.templates", number=press.posting.posting_number)
        return await self._step(press, prompt, rows, action)

    async def _start_cutoff(self, press: Press, actor: Actor) -> Screen:
        posting = press.posting
        if posting.shipment_date <= self._clock():
            prompt = t("action.extend.too_late", number=posting.posting_number)
            return await self._step(press, prompt, [self._ask_row(press)], None)
        action = await self._create(press, actor, "extend", {})
        timezone = await self._renderer.timezone(press.message.chat_id)
        rows = [
            [
                self._button(
                    format_moment(posting.shipment_date + timedelta(days=days), timezone),
                    action,
                    "d",
                    str(days),
                )
            ]
            for days in (1, 2, 3)
        ]
        prompt = t(
            "action.extend.pick",
            number=posting.posting_number,
            deadline=format_moment(posting.shipment_date, timezone),
        )
        return await self._step(press, prompt, rows, action)

    async def _start_timeslot(self, press: Press, actor: Actor) -> Screen:
        number = press.posting.posting_number
        try:
            limits = await self._seller(press.store).timeslot_restrictions(number)
        except OzonError as error:
            return await self._with_error(press, error, "action.extend.failed")
        interval = limits.delivery_interval
        if interval is None or limits.remaining_changes_count <= 0:
            prompt = t("action.timeslot.none", number=number)
            return await self._step(press, prompt, [self._ask_row(press)], None)
        timezone = await self._renderer.timezone(press.message.chat_id)
        slots = _day_slots(interval.begin, interval.end, timezone)
        action = await self._create(
            press,
            actor,
            "timeslot",
            {"slots": [[start.isoformat(), end.isoformat()] for start, end in slots]},
        )
        rows = [
            [self._button(format_day(start, timezone), action, "s", str(index))]
            for index, (start, _) in enumerate(slots)
        ]
        prompt = t(
            "action.timeslot.pick",
            number=number,
            begin=format_moment(interval.begin, timezone),
            end=format_moment(interval.end, timezone),
            count=limits.remaining_changes_count,
        )
        return await self._step(press, prompt, rows, action)

    async def _next_step(self, press: Press, action: Action) -> Screen:
        params, verb, arg = press.params, press.verb, press.arg
        number = press.posting.posting_number
        if action.kind == "cancel" and verb == "r" and arg in params.get("reasons", {}):
            params.update(reason_id=int(arg), reason=params["reasons"][arg])
            await self._save(action, params)
            if int(arg) == OTHER_REASON:
                prompt = t("action.cancel.explain", reason=params["reason"])
                return await self._await_text(press, action, prompt)
            return await self._cancel_confirmation(press, action)
        if action.kind == "message" and verb == "t" and arg in TEMPLATES:
            params["template"] = arg
            await self._save(action, params)
            if arg == "own":
                return await self._await_text(press, action, t("action.buyer.own"))
            return await self._step(
                press, t("action.buyer.cause"), self._cause_rows(action), action
            )
        if (
            action.kind == "message"
            and verb in ("c", "d")
            and params.get("template") not in TEMPLATES
        ):
            raise Refusal(t("answer.invalid"))
        if action.kind in ("message", "support") and verb == "c" and arg in CAUSES:
            params["cause"] = arg
            if action.kind == "support":
                return await self._support_text(press, action)
            if params.get("template") == "date":
                await self._save(action, params)
                return await self._promise_days(press, action)
            return await self._compose(press, action)
        if (
            action.kind == "message"
            and verb == "d"
            and arg in ("1", "2", "3")
            and "cause" in params
        ):
            params["days"] = int(arg)
            return await self._compose(press, action)
        if action.kind == "extend" and verb == "d" and arg in ("1", "2", "3"):
            timezone = await self._renderer.timezone(press.message.chat_id)
            new_date = press.posting.shipment_date + timedelta(days=int(arg))
            params.update(new_date=new_date.isoformat(), label=format_moment(new_date, timezone))
            await self._save(action, params)
            prompt = t("action.extend.confirm", number=number, date=params["label"])
            return await self._step(
                press, prompt, [[self._button(t("button.confirm_date"), action, "ok")]], action
            )
        if (
            action.kind == "timeslot"
            and verb == "s"
            and arg.isdigit()
            and int(arg) < len(params.get("slots", []))
        ):
            timezone = await self._renderer.timezone(press.message.chat_id)
            start = datetime.fromisoformat(params["slots"][int(arg)][0])
            params.update(slot=int(arg), label=format_day(start, timezone))
            await self._save(action, params)
            prompt = t("action.timeslot.confirm", number=number, date=params["label"])
            return await self._step(
                press, prompt, [[self._button(t("button.confirm_date"), action, "ok")]], action
            )
        raise Refusal(t("answer.invalid"))

    async def _cancel_confirmation(self, press: Press, action: Action) -> Screen:
        params = press.params
        prompt = t(
            "action.cancel.confirm",
            number=press.posting.posting_number,
            reason=params.get("reason", ""),
            message=Markup(
                t("action.cancel.message", message=params["message"])
                if params.get("message")
                else ""
            ),
            price=Markup(_price_at_stake(press.posting)),
        )
        return await self._step(
            press, prompt, [[self._button(t("button.confirm_cancel"), action, "ok")]], action
        )

    async def _promise_days(self, press: Press, action: Action) -> Screen:
        timezone = await self._renderer.timezone(press.message.chat_id)
        today = self._clock()
        rows = [
            [
                self._button(
                    format_day(today + timedelta(days=days), timezone),
                    action,
                    "d",
                    str(days),
                )
            ]
            for days in (1, 2, 3)
        ]
        return await self._step(press, t("action.buyer.days"), rows, action)

    def _day_label(self, days: int, timezone: str) -> str:
        return format_day(self._clock() + timedelta(days=days), timezone)

    async def _compose(self, press: Press, action: Action) -> Screen:
        params = press.params
        posting = press.posting
        product = posting.products[0].name if posting.products else posting.posting_number
        timezone = await self._renderer.timezone(press.message.chat_id)
        # The calendar day the seller picked on the button, in the seller's time zone.
        promised = (self._clock() + timedelta(days=params.get("days", 1))).astimezone(
            ZoneInfo(timezone)
        )
        params["text"] = buyer_text(
            params["template"],
            number=posting.order_number or posting.posting_number,
            product=shorten(product, 80),
            cause=buyer_text(f"cause.{params['cause']}"),
            date=_russian_day(promised),
            shop=press.store.name,
        )
        params["promised"] = self._day_label(params.get("days", 1), timezone)
        await self._save(action, params)
        return await self._preview(press, action)

    async def _preview(self, press: Press, action: Action) -> Screen:
        params = press.params
        template = params.get("template", "own")
        meaning = t(
            f"meaning.{template}",
            cause=t(f"cause.{params['cause']}") if params.get("cause") else "",
            date=params.get("promised", ""),
        )
        prompt = t(
            "action.buyer.preview",
            number=press.posting.posting_number,
            text=params["text"],
            meaning=Markup(meaning),
        )
        return await self._step(
            press, prompt, [[self._button(t("button.send"), action, "ok")]], action
        )

    async def _support_text(self, press: Press, action: Action) -> Screen:
        posting = press.posting
        text = buyer_text(
            "support",
            number=posting.posting_number,
            deadline=posting.shipment_date.astimezone(ZoneInfo("Europe/Moscow")).strftime(
                "%d.%m.%Y %H:%M"
            ),
            cause=buyer_text(f"reason.{press.params['cause']}"),
            date=_russian_date(max(posting.shipment_date, self._clock()) + timedelta(days=2)),
            shop=press.store.name,
            client_id=press.store.client_id,
        )
        press.params["text"] = text
        await self._save(action, press.params)
        request = json.dumps(press.params, ensure_ascii=False)
        if await actions_db.claim(
            self._db, action.id, action.actor_id, action.actor_name, request, self._clock()
        ):
            await actions_db.finish(
                self._db, action.id, ActionState.DONE, "prepared for Ozon support", self._clock()
            )
        alert = await self.alert_screen(press.message)
        rows = [
            [InlineKeyboardButton(text=t("button.support"), url=SUPPORT_URL)],
            [
                InlineKeyboardButton(
                    text=t("button.back"),
                    callback_data=alert_callback(press.message.token or "", "back"),
                )
            ],
        ]
        return Screen(
            alert.text + "\n\n" + t("action.ask.text", text=text),
            InlineKeyboardMarkup(inline_keyboard=rows),
        )

    async def _carry_out(self, press: Press, action: Action) -> Screen:
        """The confirmed action, sent to Ozon exactly once (the claim in `resolve`)."""
        params = press.params
        seller = self._seller(press.store)
        number = press.posting.posting_number
        failure = {
            "cancel": "action.cancel.failed",
            "message": "action.buyer.failed",
        }.get(action.kind, "action.extend.failed")
        try:
            if action.kind == "cancel":
                await seller.cancel(number, params["reason_id"], params.get("message", ""))
            elif action.kind == "message":
                await self._send_to_buyer(press, seller, params["text"])
            elif action.kind == "extend":
                await seller.set_cutoff(number, datetime.fromisoformat(params["new_date"]))
            elif action.kind == "timeslot":
                start, end = params["slots"][params["slot"]]
                await seller.set_timeslot(
                    number, datetime.fromisoformat(start), datetime.fromisoformat(end)
                )
        except OzonError as error:
            await actions_db.finish(
                self._db, action.id, ActionState.FAILED, error.message, self._clock()
            )
            if action.kind == "message" and isinstance(error, AccessDenied):
                return await self._step(
                    press,
                    t("action.buyer.no_premium", store=press.store.name) + f" ({error.message})",
                    [],
                    None,
                )
            return await self._with_error(press, error, failure)
        except Exception as error:  # after the claim: Ozon may have done it
            note = f"unexpected {type(error).__name__}; Ozon may have done it"
            await actions_db.finish(self._db, action.id, ActionState.UNKNOWN, note, self._clock())
            raise MaybeDone(note) from error
        await actions_db.finish(self._db, action.id, ActionState.DONE, "ok", self._clock())
        return await self.alert_screen(press.message)

    async def _send_to_buyer(self, press: Press, seller: SellerClient, text: str) -> None:
        number = press.posting.posting_number
        chat = await seller.start_chat(number)
        try:
            history = await seller.chat_history(chat, limit=1)
        except OzonError:
            history = []  # then earlier buyer messages are relayed too: better than none
        await seller.send_chat_message(chat, text)
        await buyer_chats_db.follow(
            self._db,
            store_id=press.store.id,
            posting_number=number,
            chat_id=press.message.chat_id,
            ozon_chat_id=chat,
            message_id=press.message.id,
            last_message_id=max((m.message_id for m in history), default=0),
            until=self._clock() + FOLLOW_BUYER_FOR,
        )

    # ----- helpers -----

    def _seller(self, store: Store) -> SellerClient:
        return self._sellers.of(store)

    async def _create(
        self, press: Press, actor: Actor, kind: str, params: dict[str, Any]
    ) -> Action:
        token = new_token()
        await actions_db.abort_drafts(self._db, press.message.id, self._clock())
        await actions_db.create_action(
            self._db,
            token=token,
            chat_id=press.message.chat_id,
            message_id=press.message.id,
            store_id=press.store.id,
            posting_number=press.posting.posting_number,
            kind=kind,
            actor_id=actor.id,
            actor_name=actor.name,
            params=params,
            now=self._clock(),
        )
        action = await actions_db.action_by_token(self._db, token)
        assert action is not None
        press.params.clear()
        press.params.update(params)
        return action

    async def _await_text(self, press: Press, action: Action, prompt: str) -> Screen:
        press.params["awaiting_text"] = True
        await self._save(action, press.params)
        screen = await self._step(press, prompt, [], action)
        return Screen(screen.text, screen.keyboard, action.token)

    async def _save(self, action: Action, params: dict[str, Any]) -> None:
        await actions_db.update_params(self._db, action.id, params, self._clock())

    async def _step(
        self,
        press: Press,
        prompt: str,
        rows: list[list[InlineKeyboardButton]],
        action: Action | None,
    ) -> Screen:
        alert = await self.alert_screen(press.message)
        back = (
            f"ac:{action.token}:back"
            if action
            else alert_callback(press.message.token or "", "back")
        )
        keyboard = [*rows, [InlineKeyboardButton(text=t("button.back"), callback_data=back)]]
        return Screen(_fit(alert.text, prompt), InlineKeyboardMarkup(inline_keyboard=keyboard))

    async def _with_error(self, press: Press, error: OzonError, key: str) -> Screen:
        """The alert, still actionable, with Ozon's refusal in one sentence."""
        if isinstance(error, OzonUnavailable | RateLimited):
            return await self._with_line(press, t("action.ozon_busy"))
        return await self._with_line(
            press, t(key, number=press.posting.posting_number, reason=error.message)
        )

    async def _with_line(self, press: Press, line: str) -> Screen:
        alert = await self.alert_screen(press.message)
        return Screen(_fit(alert.text, line), alert.keyboard)

    @staticmethod
    def _ask_row(press: Press) -> list[InlineKeyboardButton]:
        data = alert_callback(press.message.token or "", "ask")
        return [InlineKeyboardButton(text=t("button.ask_ozon"), callback_data=data)]

    def _cause_rows(self, action: Action) -> list[list[InlineKeyboardButton]]:
        buttons = [self._button(t(f"cause.{cause}"), action, "c", cause) for cause in CAUSES]
        return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]

    @staticmethod
    def _button(text: str, action: Action, verb: str, arg: str = "") -> InlineKeyboardButton:
        data = f"ac:{action.token}:{verb}" + (f":{arg}" if arg else "")
        return InlineKeyboardButton(text=text, callback_data=data)

    async def history(self, owner_user_id: int, limit: int | None) -> list[tuple[Action, str]]:
        """The owner's stores' last actions with each store's name, newest first."""
        stores = {s.id: s.name for s in await stores_db.stores_of_owner(self._db, owner_user_id)}
        actions = await actions_db.recent_actions(self._db, list(stores), limit)
        return [(action, stores[action.store_id]) for action in actions]


def _fit(alert: str, prompt: str) -> str:
    """The alert with a step below it, within Telegram's limit: a long alert keeps only its
    first lines (stage and posting), since the step is what matters now."""
    text = alert + "\n\n" + prompt
    if len(text) <= SCREEN_LIMIT:
        return text
    return "\n".join(alert.split("\n")[:ALERT_HEAD_LINES]) + "\n\n" + prompt


def _price_at_stake(posting: Posting) -> str:
    total = Decimal(0)
    currency = ""
    for product in posting.products:
        if product.price and product.price.amount is not None:
            total += product.price.amount * product.quantity
            currency = product.price.currency or currency
    if not total:
        return ""
    return t("action.cancel.price", amount=f"{total:,.2f} {currency}".strip())


def _russian_date(moment: datetime) -> str:
    return _russian_day(moment.astimezone(ZoneInfo("Europe/Moscow")))


def _russian_day(local: datetime) -> str:
    """'27 ноября': the day as the buyer reads it."""
    return format_date(local, "d MMMM", locale="ru")


def _day_slots(
    begin: datetime, end: datetime, timezone: str
) -> Sequence[tuple[datetime, datetime]]:
    """The allowed interval cut into days of the chat's calendar, at most a week of them."""
    zone = ZoneInfo(timezone)
    slots: list[tuple[datetime, datetime]] = []
    start = begin
    while start < end and len(slots) < MAX_TIMESLOT_DAYS:
        local = start.astimezone(zone)
        next_day = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        stop = min(end, next_day.astimezone(begin.tzinfo))
        slots.append((start, stop))
        start = stop
    return slots
