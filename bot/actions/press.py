"""Presses and their authorisation: a button (or typed text for an action) is checked before
anything happens. Database only, so the press is answered fast: is the button genuine and on
its own message, may this person act, is the posting still waiting, is the step still open?"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.deadlines import IN_DELIVERY
from bot.core.kinds import ActionState, MessageKind
from bot.core.permissions import RoleOf, allowed, needed_role
from bot.i18n.texts import Texts
from bot.ozon import Posting
from bot.views.alerts import views_of
from bot.views.buttons import (
    SNOOZE_MINUTES,
    AlertButton,
    AlertVerb,
    StepButton,
    StepVerb,
    read_button,
)
from bot.views.render import PostingView
from storage import Database
from storage import actions as actions_db
from storage import alerts as alerts_db
from storage import presses as presses_db
from storage.actions import Action
from storage.alerts import AlertMessage
from storage.presses import PressedAlert
from storage.stores import Store

# The permission each alert button needs ("open" covers merely looking and going back).
PERMISSION_OF_ALERT_VERB = {
    AlertVerb.CANCEL: "cancel",
    AlertVerb.CANCEL_ITEMS: "cancel",
    AlertVerb.BUYER: "message",
    AlertVerb.EXTEND: "extend",
    AlertVerb.TIMESLOT: "extend",  # dates Ozon lets the seller set share one permission
    AlertVerb.TRACK: "extend",  # delivery steps: the same trust as setting dates
    AlertVerb.DELIVERING: "extend",
    AlertVerb.BOXES: "extend",
    AlertVerb.LAST_MILE: "extend",
    AlertVerb.DELIVERED: "extend",
    AlertVerb.REPACK: "extend",
    AlertVerb.ASK: "support",
    AlertVerb.OPEN: "open",
    AlertVerb.BACK: "open",
    AlertVerb.CLAIM: "claim",
    AlertVerb.RELEASE: "claim",
    AlertVerb.SNOOZE: "snooze",
}
# Actions needing another action's permission: dates and delivery steps share "extend".
PERMISSION_OF_ACTION = {
    "cancel_items": "cancel",
    **{kind: "extend" for kind in ("timeslot", "tracking", "delivering", "last_mile", "delivered",
                                   "boxes", "repack")},
}  # fmt: skip


@dataclass(frozen=True)
class Actor:
    id: int
    name: str


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
    """A checked press; `verb` is None for text typed for an action."""

    message: AlertMessage
    store: Store
    view: PostingView
    action: Action | None
    verb: AlertVerb | StepVerb | None
    tx: Texts  # the chat's language
    arg: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def posting(self) -> Posting:
        return self.view.posting


@dataclass(frozen=True)
class Asking:
    """Who presses (or types), where, and the language they are answered in."""

    chat_id: int
    actor: Actor
    pressed_message_id: int | None  # the Telegram message the button was on; None for text
    tx: Texts


class PressResolver:
    def __init__(
        self,
        db: Database,
        role_of: RoleOf,
        clock: Callable[[], datetime],
        confirmable: frozenset[str] = frozenset(),
    ):
        self._db = db
        self._role_of = role_of
        self._clock = clock
        self._confirmable = confirmable  # kinds of action a confirmation sends to Ozon

    async def resolve(
        self, data: str, chat_id: int, actor: Actor, pressed_message_id: int | None, tx: Texts
    ) -> Press:
        """Checks a press on the Telegram message `pressed_message_id`; refusals are worded
        in `tx`'s language."""
        button = read_button(data)
        asking = Asking(chat_id, actor, pressed_message_id, tx)
        if isinstance(button, AlertButton):
            if button.verb == AlertVerb.SNOOZE and button.arg not in SNOOZE_MINUTES:
                raise Refusal(tx("answer.invalid"))
            pressed = await presses_db.pressed_alert(self._db, button.token)
            if pressed is None:
                raise Refusal(tx("answer.invalid"))
            return await self._check(pressed, None, button.verb, button.arg, asking)
        if isinstance(button, StepButton):
            return await self._resolve_action(button.token, button.verb, button.arg, asking)
        raise Refusal(tx("answer.invalid"))

    async def resolve_typing(self, token: str, chat_id: int, actor: Actor, tx: Texts) -> Press:
        """Checks text typed for the action with this token."""
        return await self._resolve_action(token, None, "", Asking(chat_id, actor, None, tx))

    async def _resolve_action(
        self, token: str, verb: StepVerb | None, arg: str, asking: Asking
    ) -> Press:
        found = await presses_db.pressed_action(self._db, token)
        if found is None or found[0].chat_id != asking.chat_id:
            raise Refusal(asking.tx("answer.invalid"))
        action, pressed = found
        press = await self._check(pressed, action, verb, arg, asking)
        await self._check_step(action, verb, asking.actor, asking.tx)
        return press

    async def _check(
        self,
        pressed: PressedAlert,
        action: Action | None,
        verb: AlertVerb | StepVerb | None,
        arg: str,
        asking: Asking,
    ) -> Press:
        chat_id, actor, pressed_message_id, tx = (
            asking.chat_id,
            asking.actor,
            asking.pressed_message_id,
            asking.tx,
        )
        message, store = pressed.message, pressed.store
        if message.chat_id != chat_id:
            raise Refusal(tx("answer.invalid"))
        if pressed_message_id is not None and message.telegram_message_id not in (
            None,
            pressed_message_id,
        ):
            raise Refusal(tx("answer.invalid"))  # a button copied onto another message
        own_buttons = message.kind in (MessageKind.ALERT, MessageKind.PROMISE)
        if action is None and own_buttons == (verb == AlertVerb.OPEN):
            raise Refusal(tx("answer.invalid"))  # "open" is for grouped messages only
        if action is not None:
            kind = PERMISSION_OF_ACTION.get(action.kind, action.kind)
        else:
            assert isinstance(verb, AlertVerb)  # a step's press or typed text has an action
            kind = PERMISSION_OF_ALERT_VERB[verb]
        role = await self._role_of(store.owner_user_id, chat_id, actor.id)
        if not allowed(role, kind, pressed.rules):
            needed = needed_role(kind, pressed.rules) or "owner"
            raise Refusal(tx(f"answer.not_allowed.{needed}", action=tx(f"permission.{kind}")))
        views = views_of(pressed.postings)
        index = int(arg) if verb == AlertVerb.OPEN and arg.isdecimal() else 0
        if index >= len(views):
            raise Refusal(tx("answer.invalid"))
        view = views[index]
        number = view.posting.posting_number
        # A promise message acts on a posting on its way; every other one on a watched posting.
        acting_on = IN_DELIVERY if message.kind == MessageKind.PROMISE else None
        if view.outcome != acting_on or number in pressed.cancelled:
            state = (
                tx(f"outcome.short.{view.outcome}", status=view.posting.status)
                if view.outcome
                else tx("outcome.short.cancelled")
            )
            raise Refusal(tx("answer.no_longer_needed", state=state), refresh=True)
        if verb == AlertVerb.OPEN and any(
            m.chat_id == chat_id and m.kind == MessageKind.ALERT
            for m in await alerts_db.messages_about(self._db, store.id, number)
        ):
            raise Refusal(tx("answer.opened"))
        params = dict(action.params) if action else {}
        return Press(message, store, view, action, verb, tx, arg, params)

    async def _check_step(
        self, action: Action, verb: StepVerb | None, actor: Actor, tx: Texts
    ) -> None:
        """A draft takes its steps; its confirmation is claimed by exactly one press."""
        if action.state == ActionState.DRAFT:
            if verb != StepVerb.OK:
                return
            if action.kind not in self._confirmable:  # nothing to confirm: never claimed
                raise Refusal(tx("answer.invalid"))
            request = json.dumps(action.params, ensure_ascii=False)
            now = self._clock()
            if await actions_db.claim(self._db, action.id, actor.id, actor.name, request, now):
                return
            action = await actions_db.action_by_token(self._db, action.token) or action
        if action.state == ActionState.REQUESTED:
            raise Refusal(tx("answer.in_progress"))
        if action.state == ActionState.DONE:
            raise Refusal(tx("answer.done"), refresh=True)
        raise Refusal(tx("answer.step_over"), refresh=True)
