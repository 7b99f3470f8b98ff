"""A team's own steps on an alert, with no Ozon call: claim, release and snooze (logged as
actions for the history), and opening one posting of a grouped message as its own alert."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.actions.flow import AlertScreens
from bot.actions.press import Actor, Press
from bot.core.deadlines import deadline_stage
from bot.core.kinds import ActionState, MessageKind
from bot.security.tokens import new_token
from bot.services.wiring import Wiring
from bot.views.buttons import AlertVerb
from storage import actions as actions_db
from storage import alerts as alerts_db
from storage import claims as claims_db
from storage import outbox as outbox_db

# The stages a posting opened from a stock message is shown at: the usual ones, and a week.
OPENED_LEADS = (7 * 86400, 86400, 14400, 3600)


class TeamSteps:
    def __init__(self, wiring: Wiring, screens: AlertScreens):
        self._wiring = wiring
        self._db = wiring.db
        self._clock = wiring.clock
        self._screens = screens

    async def take(self, press: Press, actor: Actor) -> None:
        """Claim, release or snooze: the team's own state; logged for audit."""
        now = self._clock()
        where = claims_db.ClaimPlace(
            press.message.chat_id, press.store.id, press.posting.posting_number
        )
        params: dict[str, Any] = {}
        if press.verb == AlertVerb.SNOOZE:
            until = now + timedelta(minutes=int(press.arg))
            if press.posting.shipment_date > now:
                until = min(until, press.posting.shipment_date)  # never past the deadline
            await claims_db.set_snooze(self._db, where, until=until, name=actor.name, now=now)
            params["until"] = until.isoformat()
        else:
            claimer = actor if press.verb == AlertVerb.CLAIM else None
            await claims_db.set_claim(
                self._db,
                where,
                user_id=claimer.id if claimer else None,
                name=claimer.name if claimer else None,
                now=now,
            )
        await actions_db.create_action(
            self._db, token=new_token(), chat_id=press.message.chat_id,
            message_id=press.message.id, store_id=press.store.id,
            posting_number=press.posting.posting_number, kind=str(press.verb),
            actor_id=actor.id, actor_name=actor.name, params=params, now=now,
            state=ActionState.DONE,
        )  # fmt: skip

    async def open_from_group(self, press: Press) -> None:
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
            screen = await self._screens.of(message)
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
        self._wiring.on_outbox()
