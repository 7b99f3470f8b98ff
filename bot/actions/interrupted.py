"""Actions a crash left with Ozon: at start each one still 'requested' is settled, so no
posting's button stays "in progress" for ever, and nothing is claimed that Ozon did not confirm.

Where one read can tell (a cancel: is the posting cancelled? a new shipping date: does the
posting carry it?) Ozon's answer decides between done and not done. Where it cannot (a message
to the buyer, a delivery day), or Ozon does not answer, the action becomes 'unknown': its
buttons work again, and the chat is told to check in Seller Center before trying again."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.core.kinds import ActionState
from bot.i18n.texts import texts_for
from bot.ozon import OzonError
from bot.security.crypto import UnreadableKey
from bot.services.wiring import Wiring
from bot.views.alerts import AlertRenderer
from storage import actions as actions_db
from storage import alerts as alerts_db
from storage import chats as chats_db
from storage import outbox as outbox_db
from storage import stores as stores_db
from storage.actions import Action
from storage.stores import Store

log = logging.getLogger(__name__)

# What an action settled at start records as its response: catalog keys, said in the language
# of whoever reads the history (Ozon's own answers are kept as Ozon gave them).
CONFIRMED = "history.restart.confirmed"
NOT_DONE = "history.restart.not_done"
UNCONFIRMED = "history.restart.unconfirmed"
RESTART_NOTES = frozenset({CONFIRMED, NOT_DONE, UNCONFIRMED})


class InterruptedActions:
    def __init__(self, wiring: Wiring):
        self._db = wiring.db
        self._sellers = wiring.sellers
        self._clock = wiring.clock
        self._on_outbox = wiring.on_outbox
        self._renderer = AlertRenderer(wiring.db)

    async def settle(self) -> int:
        """Settles every action left 'requested'; returns how many there were."""
        actions = await actions_db.requested_actions(self._db)
        for action in actions:
            try:
                store = await stores_db.store_by_id(self._db, action.store_id)
                state, note = await self._outcome(action, store)
                await actions_db.finish(self._db, action.id, state, note, self._clock())
                log.warning("action %s on %s: %s", action.kind, action.posting_number, note)
                await self._tell(action, store, state)
            except Exception:  # one odd action must not leave the others stuck
                log.exception("could not settle interrupted action %s", action.id)
        if actions:
            self._on_outbox()
        return len(actions)

    async def _outcome(self, action: Action, store: Store | None) -> tuple[ActionState, str]:
        if store is None:  # the store was disconnected: nothing left to act on
            return ActionState.FAILED, NOT_DONE
        if action.kind not in ("cancel", "extend"):
            return ActionState.UNKNOWN, UNCONFIRMED
        try:
            posting = await self._sellers.of(store).posting(action.posting_number)
        except (OzonError, UnreadableKey) as error:
            log.warning("could not check an interrupted action: %s", error)
            return ActionState.UNKNOWN, UNCONFIRMED
        if action.kind == "cancel":
            done = posting.status == "cancelled"
        else:
            # Ozon stops asking for the date once it has one; the day was sent as its start
            # in the warehouse's zone (or as the moment of sending), and Ozon may keep any
            # time of that day: within a day of it counts.
            wanted = _new_date(action)
            done = (
                "set_cutoff" not in posting.available_actions
                and wanted is not None
                and abs(posting.shipment_date - wanted) < timedelta(days=1)
            )
        return (ActionState.DONE, CONFIRMED) if done else (ActionState.FAILED, NOT_DONE)

    async def _tell(self, action: Action, store: Store | None, state: ActionState) -> None:
        """One sentence in the chat the action was pressed in, below its alert, and the alert
        drawn again with its buttons."""
        message = (
            await alerts_db.message_by_id(self._db, action.message_id)
            if action.message_id
            else None
        )
        tx = texts_for(await chats_db.chat_language(self._db, action.chat_id))
        text = tx(
            f"interrupted.{state}",
            action=tx(f"history.kind.{action.kind}"),
            number=action.posting_number,
        )
        now = self._clock()
        await outbox_db.tell(
            self._db,
            action.chat_id,
            text,
            now=now,
            thread_id=message.thread_id if message else None,
            reply_to=message.id if message else None,
        )
        if message is not None and store is not None:
            alert, keyboard = await self._renderer.render(message, store.name, now)
            await outbox_db.enqueue_edit(
                self._db, message_id=message.id, chat_id=message.chat_id,
                thread_id=message.thread_id, text=alert,
                reply_markup=keyboard.model_dump_json(), now=now,
            )  # fmt: skip


def _new_date(action: Action) -> datetime | None:
    value = action.params.get("new_date")
    return datetime.fromisoformat(value) if isinstance(value, str) else None
