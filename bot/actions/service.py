"""One-tap responses from an alert: the wizards (cancel, cancel some items, message the buyer,
the shipping date, the delivery day, the rFBS steps and box count, packing again, ask Ozon
support) and the team's steps, behind one entry for the handlers.

A press is resolved first (press.py: fast, database only), answered, and only then performed
(Ozon calls). Each action is a database row whose state makes a double press or two confirming
team members call Ozon once (the claim in press.py)."""

from __future__ import annotations

from bot.actions.buyer import MESSAGE
from bot.actions.cancel import CANCEL
from bot.actions.delivery import BOXES, DELIVERED, DELIVERING, LAST_MILE, TRACKING
from bot.actions.extend import CUTOFF, TIMESLOT
from bot.actions.flow import AWAITING_TEXT, AlertScreens, Flow, Screen, Wizard, fit
from bot.actions.partial import CANCEL_ITEMS
from bot.actions.press import Actor, MaybeDone, Press, PressResolver, Refusal
from bot.actions.repack import REPACK
from bot.actions.support import SUPPORT
from bot.actions.team import TeamSteps
from bot.core.kinds import ActionState
from bot.core.permissions import RoleOf, private_role
from bot.i18n.texts import Texts
from bot.ozon import OzonError
from bot.services.wiring import Wiring
from bot.views.buttons import AlertVerb, StepVerb
from bot.views.format import ozon_note
from storage import actions as actions_db
from storage import alerts as alerts_db
from storage import outbox as outbox_db
from storage import stores as stores_db
from storage.actions import Action
from storage.alerts import AlertMessage

__all__ = ["ActionService", "Actor", "MaybeDone", "Press", "Refusal", "Screen"]

# Adding an action: a wizard module with its table, and its line here. An alert button starts
# the first wizard whose `offered_by` is among the posting's `available_actions`.
WIZARDS: tuple[Wizard, ...] = (
    CANCEL, CANCEL_ITEMS, MESSAGE, CUTOFF, TIMESLOT, TRACKING, DELIVERING, LAST_MILE, DELIVERED,
    BOXES, REPACK, SUPPORT,
)  # fmt: skip
WIZARD_OF_KIND = {wizard.kind: wizard for wizard in WIZARDS}
TEAM_VERBS = frozenset({AlertVerb.CLAIM, AlertVerb.RELEASE, AlertVerb.SNOOZE})


class ActionService:
    def __init__(self, wiring: Wiring, *, role_of: RoleOf = private_role):
        self._wiring = wiring
        self._db = wiring.db
        self._clock = wiring.clock
        self._screens = AlertScreens(wiring)
        confirmable = frozenset(wizard.kind for wizard in WIZARDS if wizard.carry_out)
        self._resolver = PressResolver(wiring.db, role_of, wiring.clock, confirmable)
        self._team = TeamSteps(wiring, self._screens)

    async def resolve(
        self, data: str, chat_id: int, actor: Actor, pressed_message_id: int | None, *, tx: Texts
    ) -> Press:
        """Checks a press on the Telegram message `pressed_message_id` (fast: no Ozon call);
        everything the press leads to speaks `tx`'s language."""
        return await self._resolver.resolve(data, chat_id, actor, pressed_message_id, tx)

    async def perform(self, press: Press, actor: Actor) -> Screen | None:
        """The new look of the pressed message (None: it stays as it is)."""
        verb = press.verb
        if verb == AlertVerb.OPEN:
            await self._team.open_from_group(press)
            return None
        if verb in TEAM_VERBS:
            await self._team.take(press, actor)
            return await self._screens.of(press.message)
        if verb in (AlertVerb.BACK, StepVerb.BACK):
            await actions_db.abort_drafts(self._db, press.message.id, self._clock())
            return await self._screens.of(press.message)
        flow = Flow.of(press, actor, self._wiring, self._screens)
        if press.action is None:
            wizard = self._wizard_to_start(press)
            return await wizard.start(flow) if wizard else await self._screens.of(press.message)
        wizard = WIZARD_OF_KIND[press.action.kind]
        if verb == StepVerb.OK:
            return await self._carry_out(wizard, flow, press.action)
        assert isinstance(verb, StepVerb)
        return await wizard.step_for(flow, verb, press.arg).take(flow, press.arg)

    async def typed(
        self, token: str, text: str, chat_id: int, actor: Actor, *, tx: Texts
    ) -> tuple[Screen, AlertMessage]:
        """Text typed for an action: Ozon's explanation for a reason, an own message to the
        buyer, a tracking number, a box count."""
        press = await self._resolver.resolve_typing(token, chat_id, actor, tx)
        assert press.action is not None
        wizard = WIZARD_OF_KIND[press.action.kind]
        if not press.params.pop(AWAITING_TEXT, False) or wizard.typed is None:
            raise Refusal(tx("answer.not_typing"))
        flow = Flow.of(press, actor, self._wiring, self._screens)
        return await wizard.typed(flow, text.strip()), press.message

    async def show(self, message: AlertMessage, screen: Screen) -> None:
        """Draws the screen on the alert's message: through the outbox like every write to
        Telegram, ahead of everything not interactive, within the chat's limits."""
        await outbox_db.enqueue_edit(
            self._db, message_id=message.id, chat_id=message.chat_id,
            thread_id=message.thread_id, text=screen.text,
            reply_markup=screen.keyboard.model_dump_json() if screen.keyboard else None,
            now=self._clock(), interactive=True,
        )  # fmt: skip
        self._wiring.on_outbox()

    async def redraw(self, chat_id: int, telegram_message_id: int, line: str = "") -> None:
        """Draws the alert on this Telegram message as it stands, leaving any step; `line`
        says below it why the press did nothing (its answer was given already)."""
        message = await alerts_db.message_by_telegram_id(self._db, chat_id, telegram_message_id)
        if message is not None:
            screen = await self._screens.of(message)
            text = fit(screen.text, line) if line else screen.text
            await self.show(message, Screen(text, screen.keyboard))

    async def history(self, owner_user_id: int, limit: int | None) -> list[tuple[Action, str]]:
        """The owner's stores' last actions with each store's name, newest first."""
        stores = {s.id: s.name for s in await stores_db.stores_of_owner(self._db, owner_user_id)}
        actions = await actions_db.recent_actions(self._db, list(stores), limit)
        return [(action, stores[action.store_id]) for action in actions]

    @staticmethod
    def _wizard_to_start(press: Press) -> Wizard | None:
        """The wizard the alert button starts, if Ozon still offers it."""
        offered = set(press.posting.available_actions)
        for wizard in WIZARDS:
            if wizard.starts_on == press.verb and (
                wizard.offered_by is None or wizard.offered_by in offered
            ):
                return wizard
        return None  # Ozon no longer offers it: the alert redrawn shows what it does offer

    async def _carry_out(self, wizard: Wizard, flow: Flow, action: Action) -> Screen:
        """The confirmed action, sent to Ozon exactly once (claimed when the press resolved)."""
        if wizard.carry_out is None:
            raise Refusal(flow.tx("answer.invalid"))
        try:
            await wizard.carry_out(flow)
        except OzonError as error:
            await actions_db.finish(
                self._db, action.id, ActionState.FAILED, ozon_note(error), self._clock()
            )
            screen = await wizard.refused(flow, error) if wizard.refused else None
            return screen or await flow.with_error(error, wizard.failure)
        except Exception as error:  # after the claim: Ozon may have done it
            note = f"unexpected {type(error).__name__}; Ozon may have done it"
            await actions_db.finish(self._db, action.id, ActionState.UNKNOWN, note, self._clock())
            raise MaybeDone(note) from error
        await actions_db.finish(self._db, action.id, ActionState.DONE, "ok", self._clock())
        return await self._screens.of(flow.press.message)
