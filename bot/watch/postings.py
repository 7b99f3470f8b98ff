"""Posting sync: what Ozon says of each posting is stored, alerts already sent are edited when a
posting left the watched statuses or its deadline moved, and the stages now due are collected
for the announcer. Postings that left the list are looked up to learn what became of them."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.chat_rules import quiet_hours_of
from bot.core.deadlines import (
    LOOKBACK,
    WATCHED_STATUSES,
    Due,
    outcome_of,
    stage_now,
    stage_to_alert,
)
from bot.core.leads import Leads
from bot.core.traps import TRAP_STATUSES, TRAP_SUBSTATUSES, trap_entered
from bot.i18n.texts import texts_for
from bot.ozon import BadRequest, Posting, PostingPage, SellerClient, UnreadableAnswer
from bot.views.alerts import stored_posting
from bot.views.render import cancelled_by_ozon, render_ozon_cancellation
from bot.watch.announcer import Announcer
from bot.watch.context import StoreScan, leads_of
from bot.watch.page_cache import PageMemo, Watched
from storage import Database
from storage import alerts as alerts_db
from storage import claims as claims_db
from storage import outbox as outbox_db
from storage import postings as postings_db
from storage.postings import KnownPosting, PostingRecord
from storage.stores import Subscriber

log = logging.getLogger(__name__)

CHANGED_SINCE = timedelta(days=90)
# Postings that left the list without a status change are fetched one by one, slowly.
LOOKUPS_PER_SCAN = 2
# A page listed unchanged has its postings' seen time rewritten this often, not on every scan
# (it only tells since when to look for a posting that left the list, give or take that).
SEEN_REFRESH = timedelta(minutes=10)
AWAITING = "awaiting_packaging"


class PostingSync:
    def __init__(self, db: Database, announcer: Announcer, leads: Leads):
        self._db = db
        self._announcer = announcer
        self._leads = leads

    async def apply_listed(
        self, scan: StoreScan, page: PostingPage, known: dict[str, PageMemo]
    ) -> None:
        """A page of the unfulfilled list. One that is byte for byte what the store's last scan
        saw holds the same postings, stored then: only their stages can have moved, with time."""
        if page.repeated:
            memo = known[page.after]
            numbers = [watched.posting_number for watched in memo.watched]
            scan.seen.update(numbers)
            if scan.now - memo.marked_at >= SEEN_REFRESH:
                await postings_db.mark_seen(self._db, scan.store.id, numbers, scan.now)
                memo = replace(memo, marked_at=scan.now)
            await self._collect_due(scan, memo.watched, {})
        else:
            watched = await self.apply_page(scan, page.postings)
            if any(posting.substatus in TRAP_SUBSTATUSES for posting in page.postings):
                # Read whole every time: a posting packed again (bot/actions/repack.py) that
                # fails again may come back byte for byte as before, and that is news.
                return
            entries = tuple(Watched.of(posting) for posting in watched)
            memo = PageMemo(page.digest, page.cursor, page.has_next, entries, scan.now)
        scan.pages[page.after] = memo

    async def apply_page(self, scan: StoreScan, postings: Sequence[Posting]) -> list[Posting]:
        """Stores what Ozon says of these postings and collects their due stages; returns the
        watched ones."""
        store_id = scan.store.id
        numbers = [posting.posting_number for posting in postings]
        known = await postings_db.known_postings(self._db, store_id, numbers)
        records: list[PostingRecord] = []
        unchanged: list[str] = []
        changed: list[tuple[Posting, str | None]] = []
        trapped: list[tuple[Posting, str]] = []
        children: dict[str, list[str]] = {}  # parent -> postings split out of it, new here
        for posting in postings:
            previous = known.get(posting.posting_number)
            if previous is None and posting.parent_posting_number:
                children.setdefault(posting.parent_posting_number, []).append(
                    posting.posting_number
                )
            was_watched = previous is not None and previous.outcome is None
            # Told once: a posting the bot does not keep (never watched) is never told.
            first = previous is None and posting.status in WATCHED_STATUSES
            if (was_watched or first) and (trap := _trap(posting, previous)):
                trapped.append((posting, trap))
            if posting.status in WATCHED_STATUSES:
                outcome = None
                came_back = previous is not None and previous.outcome not in (None, "expired")
                moved = was_watched and known[posting.posting_number].shipment_date != (
                    posting.shipment_date
                )
                if came_back or moved:
                    changed.append((posting, None))
            elif was_watched:
                outcome = outcome_of(posting.status)
                changed.append((posting, outcome))
            else:
                continue  # never watched: nothing to remember
            data = posting.model_dump_json()
            if was_watched and outcome is None and previous is not None and previous.data == data:
                unchanged.append(posting.posting_number)
                continue
            records.append(
                PostingRecord(
                    posting.posting_number, posting.status, posting.shipment_date, outcome, data
                )
            )
        scan.seen.update(posting.posting_number for posting in postings)
        async with self._db.transaction():
            for parent, parts in children.items():
                await claims_db.inherit(self._db, store_id, parent, parts, scan.now)
            await postings_db.save_postings(self._db, store_id, records, scan.now)
            await postings_db.mark_seen(self._db, store_id, unchanged, scan.now)
            about = {
                posting.posting_number: await alerts_db.messages_about(
                    self._db, store_id, posting.posting_number
                )
                for posting, _ in changed
            }
            edited = {message.id: message for messages in about.values() for message in messages}
            await self._announcer.edit_messages(scan.store, list(edited.values()), scan.now)
            for posting, outcome in changed:
                if outcome is None:
                    await self._announcer.carry_over(scan, posting, about[posting.posting_number])
                elif outcome == "cancelled" and cancelled_by_ozon(posting.cancellation):
                    await self._notify_cancellation(scan, posting)
            for posting, trap in trapped:
                await self._announcer.tell_trap(scan, posting, trap)
        watched = [p for p in postings if p.status in WATCHED_STATUSES]
        scan.awaiting.update((p.posting_number, p) for p in watched if p.status == AWAITING)
        await self._collect_due(
            scan, [Watched.of(p) for p in watched], {p.posting_number: p for p in watched}
        )
        return watched

    async def _collect_due(
        self, scan: StoreScan, watched: Sequence[Watched], parsed: dict[str, Posting]
    ) -> None:
        """Queues the stages now due; a due posting not `parsed` at hand is read as stored."""
        at_a_stage = [
            (posting, sub, stage)
            for posting in watched
            for sub in scan.subscribers
            if (stage := self._stage_now(posting, sub, scan.now, scan.warn_at(posting))) is not None
        ]
        # Only a posting at a stage may be due: most are not, and need no look at the alerts.
        numbers = list(dict.fromkeys(posting.posting_number for posting, _, _ in at_a_stage))
        alerted = await alerts_db.alerted_stages(self._db, scan.store.id, numbers)
        unparsed = []
        for posting, sub, current in at_a_stage:
            stage = stage_to_alert(
                current,
                alerted.get((sub.chat_id, posting.posting_number, posting.shipment_date), ()),
            )
            key = (sub.chat_id, posting.posting_number)
            if stage is not None and key not in scan.queued:  # a posting on two pages
                scan.queued.add(key)
                scan.due.append(Due(sub.chat_id, posting.posting_number, stage))
                if posting.posting_number in parsed:
                    scan.postings[posting.posting_number] = parsed[posting.posting_number]
                else:
                    unparsed.append(posting.posting_number)
        stored = await postings_db.known_postings(self._db, scan.store.id, unparsed)
        scan.postings.update(
            (number, stored_posting(known.data)) for number, known in stored.items()
        )

    def _stage_now(
        self, posting: Watched, sub: Subscriber, now: datetime, warn_at: datetime
    ) -> int | None:
        """The stage to announce in this chat now (quiet hours included)."""
        leads = leads_of(sub, self._leads, posting.express)
        return stage_now(posting.shipment_date, warn_at, now, leads,
                         quiet_hours_of(sub), sub.timezone)  # fmt: skip

    async def resolve_missing(
        self, scan: StoreScan, client: SellerClient, missing: list[KnownPosting]
    ) -> None:
        """Asks Ozon what became of watched postings that left the unfulfilled list."""
        wanted = {known.posting_number for known in missing}
        changed_from = min(known.last_seen_at for known in missing) - timedelta(hours=1)
        async for page in client.changed(scan.now - CHANGED_SINCE, scan.now, changed_from):
            found = [p for p in page.postings if p.posting_number in wanted]
            if found:
                await self.apply_page(scan, found)
                wanted -= {p.posting_number for p in found}
        # Left the cutoff window without a status change (a deadline moved far, say).
        # Oldest seen first: each lookup moves a posting to the back, so all get their turn.
        leftovers = sorted(
            (known for known in missing if known.posting_number in wanted),
            key=lambda known: known.last_seen_at,
        )
        for known in leftovers[:LOOKUPS_PER_SCAN]:
            try:
                await self.apply_page(scan, [await client.posting(known.posting_number)])
            except BadRequest:  # Ozon no longer knows it
                await postings_db.set_outcome(self._db, scan.store.id, known.posting_number, "gone")
            except UnreadableAnswer as error:
                # One posting Ozon answers oddly about (an empty `shipment_date` is documented
                # for some) must not cost the rest of the store's scan: it is asked again later.
                log.warning("store %s: posting %s not read: %s", scan.store.client_id,
                            known.posting_number, error)  # fmt: skip
                await postings_db.mark_seen(
                    self._db, scan.store.id, [known.posting_number], scan.now
                )
        for known in leftovers[LOOKUPS_PER_SCAN:]:
            if known.shipment_date < scan.now - LOOKBACK:
                await postings_db.set_outcome(
                    self._db, scan.store.id, known.posting_number, "expired"
                )

    async def _notify_cancellation(self, scan: StoreScan, posting: Posting) -> None:
        for sub in scan.subscribers:
            text = render_ozon_cancellation(texts_for(sub.language), scan.store.name, posting)
            await outbox_db.tell(self._db, sub.chat_id, text, now=scan.now, thread_id=sub.thread_id)


def _trap(posting: Posting, previous: KnownPosting | None) -> str | None:
    """The trap this posting has just entered; the stored posting is read only for a posting
    in one now (rare), to tell entering it from staying in it."""
    if posting.status not in TRAP_STATUSES and posting.substatus not in TRAP_SUBSTATUSES:
        return None
    before = stored_posting(previous.data) if previous is not None else None
    return trap_entered(
        posting.status, posting.substatus, (before.status, before.substatus) if before else None
    )
