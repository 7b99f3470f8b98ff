"""Team steps the bot takes by itself in a chat: escalation of alerts nobody took within the
escalation delay, and overdue postings listed again every repeat interval. Both go to the audit
log beside the people's actions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.core.chat_rules import DEFAULT_ESCALATION_DELAY, DEFAULT_REPEAT_INTERVAL
from bot.core.deadlines import OVERDUE
from bot.core.kinds import ActionState, MessageKind
from bot.core.leads import Leads
from bot.i18n.texts import Markup, Texts, texts_for
from bot.security.tokens import new_token
from bot.views.format import format_duration, format_moment, time_left
from bot.watch.announcer import Announcer, quiet_now
from bot.watch.context import StoreScan, leads_of
from storage import Database
from storage import actions as actions_db
from storage import chats as chats_db
from storage import escalations as escalations_db
from storage import outbox as outbox_db
from storage.stores import Subscriber

MAX_LISTED = 40  # postings named in one escalation; the rest are counted


class TeamWatch:
    def __init__(self, db: Database, announcer: Announcer, leads: Leads):
        self._db = db
        self._announcer = announcer
        self._leads = leads

    async def escalate(self, scan: StoreScan, sub: Subscriber) -> None:
        """Alerts at the last stage or overdue that nobody claimed or snoozed within the
        escalation delay: re-posted in the group with its contacts, and told to the owner."""
        delay = timedelta(seconds=sub.escalation_delay or DEFAULT_ESCALATION_DELAY)
        found = await escalations_db.unattended_alerts(
            self._db,
            chat_id=sub.chat_id,
            store_id=scan.store.id,
            least_stage=min(leads_of(sub, self._leads)),
            announced_before=scan.now - delay,
            now=scan.now,
        )
        if not found:
            return

        def listed(tx: Texts, timezone: str) -> Markup:
            lines = [
                tx("escalation.line", number=item.posting_number,
                   deadline=format_moment(tx, item.shipment_date, timezone),
                   left=time_left(tx, item.shipment_date, scan.now))
                for item in found[:MAX_LISTED]
            ]  # fmt: skip
            if len(found) > MAX_LISTED:
                lines.append(tx("list.more", count=len(found) - MAX_LISTED))
            return Markup("\n".join(lines))

        mentions = f" {sub.escalation_contacts}" if sub.escalation_contacts else ""
        group_tx = texts_for(sub.language)
        group_text = group_tx(
            "escalation.group", delay=format_duration(group_tx, delay.total_seconds()),
            store=scan.store.name, mentions=mentions, lines=listed(group_tx, sub.timezone),
        )  # fmt: skip
        # The owner's own chat: its language and its time zone, not the group's.
        own = await chats_db.chat_settings(self._db, scan.store.owner_user_id)
        owner_tx = texts_for(own.language if own else None)
        owner_text = owner_tx(
            "escalation.owner", delay=format_duration(owner_tx, delay.total_seconds()),
            store=scan.store.name, lines=listed(owner_tx, own.timezone if own else sub.timezone),
        )  # fmt: skip
        owner = next((s for s in scan.subscribers if s.chat_id == scan.store.owner_user_id), None)
        async with self._db.transaction():
            for chat_id, thread_id, text, reply_to, silent in (
                (sub.chat_id, sub.thread_id, group_text, found[0].message_id,
                 quiet_now(sub, scan.now)),
                (scan.store.owner_user_id, None, owner_text, None,
                 owner is not None and quiet_now(owner, scan.now)),
            ):  # fmt: skip
                await outbox_db.tell(
                    self._db,
                    chat_id,
                    text,
                    now=scan.now,
                    thread_id=thread_id,
                    reply_to=reply_to,
                    silent=silent,
                )
            await escalations_db.record_escalations(
                self._db, sub.chat_id, scan.store.id, found, scan.now
            )
            for item in found:
                await self._audit_bot_step(
                    scan, sub.chat_id, item.message_id, [(item.posting_number, None)], "escalate"
                )

    async def _audit_bot_step(
        self,
        scan: StoreScan,
        chat_id: int,
        message_id: int,
        postings: Sequence[tuple[str, object]],
        kind: str,
    ) -> None:
        """Escalation steps go to the audit log beside the people's actions."""
        for number, _ in postings:
            await actions_db.create_action(
                self._db, token=new_token(), chat_id=chat_id, message_id=message_id,
                store_id=scan.store.id, posting_number=number, kind=kind, actor_id=0,
                actor_name="bot", now=scan.now, state=ActionState.DONE,
            )  # fmt: skip

    async def repeat_overdue(self, scan: StoreScan, sub: Subscriber) -> None:
        """Overdue postings nobody took are listed again every repeat interval, in one
        message that replaces the previous list."""
        overdue = await escalations_db.unattended_overdue(
            self._db, sub.chat_id, scan.store.id, scan.now
        )
        previous = await escalations_db.summary_of(self._db, sub.chat_id, scan.store.id)
        if not overdue:
            if previous is not None:
                await escalations_db.clear_summary(self._db, sub.chat_id, scan.store.id)
            return
        interval = timedelta(seconds=sub.repeat_interval or DEFAULT_REPEAT_INTERVAL)
        if previous is None:  # the overdue alerts themselves just went out
            await escalations_db.set_summary(self._db, sub.chat_id, scan.store.id, None, scan.now)
            return
        if previous.sent_at > scan.now - interval:
            return
        async with self._db.transaction():
            message_id = await self._announcer.post(
                scan, sub, MessageKind.SUMMARY, OVERDUE, overdue, urgent=True,
                silent=quiet_now(sub, scan.now),
            )  # fmt: skip
            if previous.message_id is not None:
                superseded = texts_for(sub.language)("repeat.superseded")
                await escalations_db.retire_message(self._db, previous.message_id)
                await outbox_db.enqueue_edit(
                    self._db, message_id=previous.message_id, chat_id=sub.chat_id,
                    thread_id=sub.thread_id, text=superseded, reply_markup=None,
                    now=scan.now,
                )  # fmt: skip
            await escalations_db.set_summary(
                self._db, sub.chat_id, scan.store.id, message_id, scan.now
            )
            await self._audit_bot_step(scan, sub.chat_id, message_id, overdue[:1], "repeat")
