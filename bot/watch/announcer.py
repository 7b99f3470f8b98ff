"""Alerts: newly reached stages become alert messages (grouped, held in quiet hours), and the
messages already sent are drawn again when what they show changed. Each message's record and
the outbox row that owes it to Telegram are written in one transaction."""

from __future__ import annotations

from datetime import datetime

from bot.core.chat_rules import DEFAULT_GROUP_THRESHOLD, quiet_hours_of
from bot.core.deadlines import group_for_messages, is_urgent, warning_stage
from bot.core.kinds import MessageKind
from bot.core.leads import Leads
from bot.i18n.texts import texts_for
from bot.ozon import Posting
from bot.security.tokens import new_token
from bot.views.alerts import AlertRenderer
from bot.views.delivery import render_trap
from bot.views.render import PostingView, render_group_parts
from bot.watch.context import StoreScan, leads_of
from bot.watch.page_cache import Watched
from storage import Database
from storage import alerts as alerts_db
from storage import chats as chats_db
from storage import outbox as outbox_db
from storage import stock as stock_db
from storage.alerts import AlertMessage
from storage.stock import StockFigures
from storage.stores import Store, Subscriber


def quiet_now(sub: Subscriber, now: datetime) -> bool:
    """The chat is in its quiet hours: what still arrives comes without a sound."""
    quiet = quiet_hours_of(sub)
    return quiet is not None and quiet.contains(now, sub.timezone)


class Announcer:
    def __init__(self, db: Database, leads: Leads):
        self._db = db
        self._renderer = AlertRenderer(db)
        self._leads = leads

    def _urgent(self, stage: int, sub: Subscriber) -> bool:
        """The last warning (or any after it: an express posting's) and overdue."""
        return is_urgent(stage, leads_of(sub, self._leads))

    async def announce(self, scan: StoreScan) -> None:
        """Turns the stages collected so far into alert messages, in one transaction."""
        due, scan.due = scan.due, []
        subscribers = {sub.chat_id: sub for sub in scan.subscribers}
        quiet_chats = {sub.chat_id for sub in scan.subscribers if quiet_now(sub, scan.now)}
        # Quiet hours hold back what is not urgent: it is not recorded, so it comes due again.
        held = {
            i.chat_id
            for i in due
            if i.chat_id in quiet_chats and not self._urgent(i.stage, subscribers[i.chat_id])
        }
        due = [
            i for i in due if i.chat_id not in held or self._urgent(i.stage, subscribers[i.chat_id])
        ]
        # After quiet hours, what was held arrives together, in as few messages as possible.
        after_quiet = {
            s.chat_id for s in scan.subscribers if s.quiet_held and s.chat_id not in quiet_chats
        }

        if not due and not after_quiet:
            return  # most scans: no transaction to open

        def threshold(chat_id: int) -> int:
            sub = subscribers[chat_id]
            return 1 if chat_id in after_quiet else sub.group_threshold or DEFAULT_GROUP_THRESHOLD

        async with self._db.transaction():
            for chat_id in held - {s.chat_id for s in scan.subscribers if s.quiet_held}:
                await chats_db.set_quiet_held(self._db, chat_id, True)
            for chat_id in after_quiet:
                await chats_db.set_quiet_held(self._db, chat_id, False)
            for group in group_for_messages(due, threshold):
                sub = subscribers[group[0].chat_id]
                views = [PostingView(scan.postings[item.posting_number]) for item in group]
                stage = group[0].stage
                silent = sub.chat_id in quiet_chats
                if len(views) == 1:
                    await self._create_alert(scan, sub, MessageKind.ALERT, stage, views, silent)
                    continue
                tx = texts_for(sub.language)
                parts = render_group_parts(tx, scan.store.name, views, stage, sub.timezone)
                for part in parts:
                    await self._create_alert(
                        scan, sub, MessageKind.GROUP, stage, [views[i] for i in part], silent
                    )

    async def _create_alert(
        self,
        scan: StoreScan,
        sub: Subscriber,
        kind: MessageKind,
        stage: int,
        views: list[PostingView],
        silent: bool = False,
    ) -> None:
        postings = [(v.posting.posting_number, v.posting.shipment_date) for v in views]
        message_id = await self.post(
            scan, sub, kind, stage, postings, urgent=self._urgent(stage, sub), silent=silent
        )
        await alerts_db.record_stage(
            self._db, message_id=message_id, chat_id=sub.chat_id, store_id=scan.store.id,
            postings=postings, stage=stage, now=scan.now,
        )  # fmt: skip

    async def post(
        self,
        scan: StoreScan,
        sub: Subscriber,
        kind: MessageKind,
        stage: int | None,
        postings: list[tuple[str, datetime]],
        *,
        urgent: bool,
        silent: bool,
        figures: StockFigures | None = None,
    ) -> int:
        """Records a message about postings in a chat and owes Telegram its first drawing;
        returns the message's id. Call inside a transaction."""
        message_id = await alerts_db.create_message(
            self._db, chat_id=sub.chat_id, thread_id=sub.thread_id, store_id=scan.store.id,
            kind=kind, stage=stage, postings=postings, token=new_token(), now=scan.now,
        )  # fmt: skip
        if figures is not None:
            await stock_db.save_figures(self._db, message_id, figures)
        message = await alerts_db.message_by_id(self._db, message_id)
        assert message is not None  # created just above, in this transaction
        text, keyboard = await self._renderer.render(
            message, scan.store.name, scan.now, scan.warehouses
        )
        await outbox_db.enqueue(
            self._db, chat_id=sub.chat_id, thread_id=sub.thread_id, message_id=message_id,
            action="send", text=text, reply_markup=keyboard.model_dump_json(), urgent=urgent,
            silent=silent, now=scan.now,
        )  # fmt: skip
        return message_id

    async def carry_over(
        self, scan: StoreScan, posting: Posting, messages: list[AlertMessage]
    ) -> None:
        """After a deadline moved, the edited alert already tells the chat about the new
        deadline: its current stage counts as announced unless it is more urgent than any
        stage the chat was warned at."""
        for sub in scan.subscribers:
            in_chat = [m for m in messages if m.chat_id == sub.chat_id and m.stage is not None]
            if not in_chat:
                continue
            stage = warning_stage(
                posting.shipment_date,
                scan.warn_at(Watched.of(posting)),
                scan.now,
                leads_of(sub, self._leads, posting.is_express),
            )
            if stage is not None and stage >= min(m.stage for m in in_chat if m.stage is not None):
                await alerts_db.record_alert(
                    self._db,
                    message_id=max(message.id for message in in_chat),
                    chat_id=sub.chat_id,
                    store_id=scan.store.id,
                    posting=(posting.posting_number, posting.shipment_date),
                    stage=stage,
                    now=scan.now,
                )

    async def tell_trap(self, scan: StoreScan, posting: Posting, trap: str) -> None:
        """A posting that looks done and is not (bot/core/traps.py): a message of its own,
        urgent, in each chat. Call inside a transaction."""
        for sub in scan.subscribers:
            text = render_trap(texts_for(sub.language), scan.store.name, posting, trap,
                               sub.timezone)  # fmt: skip
            await outbox_db.tell(self._db, sub.chat_id, text, now=scan.now,
                                 thread_id=sub.thread_id)  # fmt: skip

    async def edit_messages(
        self, store: Store, messages: list[AlertMessage], now: datetime
    ) -> None:
        """Re-renders alert messages with what became of their postings."""
        for message in messages:
            text, keyboard = await self._renderer.render(message, store.name, now)
            await outbox_db.enqueue_edit(
                self._db,
                message_id=message.id,
                chat_id=message.chat_id,
                thread_id=message.thread_id,
                text=text,
                reply_markup=keyboard.model_dump_json(),
                now=now,
            )
