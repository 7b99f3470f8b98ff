"""What a wizard's step works with: the press, the action row that holds the wizard's state,
and the screens a step shows (the alert with the step below it, and the step's buttons).

The action row is the one place a wizard keeps its state: the choices so far and whether it
waits for typed text. aiogram's FSM remembers only which action a person's next text is for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.actions.press import Actor, Press, Refusal
from bot.core.timezones import warehouse_zone
from bot.i18n.texts import Texts
from bot.ozon import OzonError, OzonUnavailable, RateLimited, SellerClient
from bot.security.tokens import new_token
from bot.services.wiring import Wiring
from bot.views.alerts import AlertRenderer
from bot.views.buttons import AlertButton, AlertVerb, StepButton, StepVerb
from bot.views.format import ozon_reason
from storage import actions as actions_db
from storage import stores as stores_db
from storage import warehouses as warehouses_db
from storage.actions import Action
from storage.alerts import AlertMessage

SCREEN_LIMIT = 4000  # characters, below Telegram's 4,096
ALERT_HEAD_LINES = 3
CAUSES = ("stock", "supplier", "logistics", "mistake", "system", "force")
AWAITING_TEXT = "awaiting_text"  # the params entry of an action whose step is typed text


@dataclass(frozen=True)
class Screen:
    """What the alert message shows now; `expects_text` names the action awaiting typing."""

    text: str
    keyboard: InlineKeyboardMarkup | None
    expects_text: str | None = None


class AlertScreens:
    """Alerts as their message shows them when no step is under way."""

    def __init__(self, wiring: Wiring):
        self._db = wiring.db
        self._clock = wiring.clock
        self.renderer = AlertRenderer(wiring.db)

    async def of(self, message: AlertMessage) -> Screen:
        store = await stores_db.store_by_id(self._db, message.store_id)
        text, keyboard = await self.renderer.render(
            message, store.name if store else "", self._clock()
        )
        return Screen(text, keyboard)


@dataclass
class Flow:
    """One press (or typed text) on one action, as a wizard's step sees it."""

    press: Press
    actor: Actor
    wiring: Wiring
    screens: AlertScreens
    action: Action | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, press: Press, actor: Actor, wiring: Wiring, screens: AlertScreens) -> Flow:
        return cls(press, actor, wiring, screens, press.action, press.params)

    @property
    def tx(self) -> Texts:
        return self.press.tx

    def now(self) -> datetime:
        return self.wiring.clock()

    def seller(self) -> SellerClient:
        return self.wiring.sellers.of(self.press.store)

    async def timezone(self) -> str:
        return await self.screens.renderer.timezone(self.press.message.chat_id)

    async def warehouse_zone(self) -> tzinfo:
        """The posting's warehouse's zone: Ozon's dates for it are days of its calendar."""
        method = self.press.posting.delivery_method
        known = await warehouses_db.warehouses_of(self.wiring.db, self.press.store.id)
        found = known.get(method.warehouse_id) if method and method.warehouse_id else None
        return warehouse_zone(found.timezone if found else "")

    async def create(self, kind: str, params: dict[str, Any]) -> Action:
        """A new draft action on this alert; any other draft on it is left."""
        token, message = new_token(), self.press.message
        db = self.wiring.db
        await actions_db.abort_drafts(db, message.id, self.now())
        await actions_db.create_action(
            db, token=token, chat_id=message.chat_id, message_id=message.id,
            store_id=self.press.store.id, posting_number=self.press.posting.posting_number,
            kind=kind, actor_id=self.actor.id, actor_name=self.actor.name, params=params,
            now=self.now(),
        )  # fmt: skip
        self.action = await actions_db.action_by_token(db, token)
        assert self.action is not None
        self.params = dict(params)
        return self.action

    async def save(self) -> None:
        assert self.action is not None
        await actions_db.update_params(self.wiring.db, self.action.id, self.params, self.now())

    def button(self, text: str, verb: StepVerb, arg: str = "") -> InlineKeyboardButton:
        assert self.action is not None
        data = StepButton(token=self.action.token, verb=verb, arg=arg).pack()
        return InlineKeyboardButton(text=text, callback_data=data)

    def alert_button(self, text: str, verb: AlertVerb) -> InlineKeyboardButton:
        data = AlertButton(token=self.press.message.token or "", verb=verb).pack()
        return InlineKeyboardButton(text=text, callback_data=data)

    def confirm_row(self, label: str) -> list[InlineKeyboardButton]:
        return [self.button(self.tx.plain(label), StepVerb.OK)]

    def cause_rows(self) -> list[list[InlineKeyboardButton]]:
        buttons = [
            self.button(self.tx.plain(f"cause.{cause}"), StepVerb.CAUSE, cause) for cause in CAUSES
        ]
        return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]

    def ask_row(self) -> list[InlineKeyboardButton]:
        return [self.alert_button(self.tx.plain("button.ask_ozon"), AlertVerb.ASK)]

    async def step(self, prompt: str, rows: list[list[InlineKeyboardButton]]) -> Screen:
        """The alert with a step below it, its buttons, and "back"."""
        alert = await self.screens.of(self.press.message)
        if self.action is not None:
            back = self.button(self.tx.plain("button.back"), StepVerb.BACK)
        else:
            back = self.alert_button(self.tx.plain("button.back"), AlertVerb.BACK)
        keyboard = InlineKeyboardMarkup(inline_keyboard=[*rows, [back]])
        return Screen(fit(alert.text, prompt), keyboard)

    async def await_text(self, prompt: str) -> Screen:
        assert self.action is not None
        self.params[AWAITING_TEXT] = True
        await self.save()
        screen = await self.step(prompt, [])
        return Screen(screen.text, screen.keyboard, self.action.token)

    async def with_error(self, error: OzonError, key: str) -> Screen:
        """The alert, still actionable, with Ozon's refusal in one sentence."""
        if isinstance(error, OzonUnavailable | RateLimited):
            return await self.with_line(self.tx("action.ozon_busy"))
        number = self.press.posting.posting_number
        reason = ozon_reason(self.tx, error)
        return await self.with_line(self.tx(key, number=number, reason=reason))

    async def with_line(self, line: str) -> Screen:
        alert = await self.screens.of(self.press.message)
        return Screen(fit(alert.text, line), alert.keyboard)


def fit(alert: str, prompt: str) -> str:
    """The alert with a step below it, within Telegram's limit: a long alert keeps only its
    first lines (stage and posting), since the step is what matters now."""
    text = alert + "\n\n" + prompt
    if len(text) <= SCREEN_LIMIT:
        return text
    return "\n".join(alert.split("\n")[:ALERT_HEAD_LINES]) + "\n\n" + prompt


StepTaker = Callable[[Flow, str], Awaitable[Screen]]


def any_argument(params: dict[str, Any], arg: str) -> bool:
    return True


@dataclass(frozen=True)
class Step:
    """A step of a wizard: the button that takes it, whether its argument fits what was chosen
    so far, and what taking it shows."""

    verb: StepVerb
    take: StepTaker
    accepts: Callable[[dict[str, Any], str], bool] = any_argument


@dataclass(frozen=True)
class Wizard:
    """An action as a table: how it starts, its steps, the text it may wait for, and what is
    sent to Ozon on confirmation. `offered_by` is the `available_actions` entry it needs."""

    kind: str
    starts_on: AlertVerb
    offered_by: str | None
    start: Callable[[Flow], Awaitable[Screen]]
    steps: tuple[Step, ...] = ()
    typed: Callable[[Flow, str], Awaitable[Screen]] | None = None
    carry_out: Callable[[Flow], Awaitable[None]] | None = None
    failure: str = "action.extend.failed"
    refused: Callable[[Flow, OzonError], Awaitable[Screen | None]] | None = None

    def step_for(self, flow: Flow, verb: StepVerb, arg: str) -> Step:
        for step in self.steps:
            if step.verb == verb and step.accepts(flow.params, arg):
                return step
        raise Refusal(flow.tx("answer.invalid"))
