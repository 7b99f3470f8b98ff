"""Postings on their way: every DELIVERY_EVERY, a store's postings handed over and not yet
delivered are read. An rFBS posting is judged on the delivery window promised to the buyer
(`delivery_date_end`): each chat is warned at its own stages before it ends, and once when it
has just passed. A posting the bot watched is followed too, so that one the sorting centre
does not accept (`not_accepted`) is told. A posting that leaves delivery has its messages
drawn again with what became of it."""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime, timedelta

from bot.core.deadlines import (
    IN_DELIVERY,
    deadline_stage,
    is_urgent,
    outcome_of,
    stage_to_alert,
)
from bot.core.kinds import MessageKind
from bot.core.leads import Leads
from bot.core.traps import TRAP_STATUSES
from bot.ozon import MethodGone, OzonError, Posting, SellerClient
from bot.watch.announcer import Announcer, quiet_now
from bot.watch.check_times import CheckTimes
from bot.watch.context import StoreScan, leads_of
from bot.watch.store_health import StoreHealth
from storage import Database
from storage import alerts as alerts_db
from storage import postings as postings_db
from storage.postings import KnownPosting, PostingRecord

log = logging.getLogger(__name__)

DELIVERY_EVERY = timedelta(minutes=15)  # a delivery window is days long; Ozon's quota is not
ORDERED_SINCE = timedelta(days=60)  # cross-border deliveries take weeks
BROKEN_TOLD_FOR = timedelta(days=1)  # a promise broken longer ago is not news on first sight
# A posting handed over is followed this long past its deadline (a sorting centre that did not
# accept it says so within days), or while its promise still has a warning to give; then it is
# left to retention like any posting done with.
FOLLOW_ON_ITS_WAY = timedelta(days=7)


def promised(posting: Posting, scan: StoreScan) -> datetime | None:
    """The end of the window promised to the buyer of an rFBS posting, if Ozon sent one."""
    method = posting.delivery_method
    warehouse = scan.warehouses.get(method.warehouse_id or 0) if method else None
    if not posting.is_rfbs(warehouse is not None and warehouse.is_rfbs):
        return None
    return posting.promise_end


class DeliveryWatch:
    def __init__(
        self,
        db: Database,
        announcer: Announcer,
        health: StoreHealth,
        leads: Leads,
        follow_for: timedelta = FOLLOW_ON_ITS_WAY,
    ):
        self._db = db
        self._announcer = announcer
        self._health = health
        self._leads = leads
        self._follow_for = follow_for
        self.checked = CheckTimes(db, "delivery", DELIVERY_EVERY)

    async def check(self, scan: StoreScan, client: SellerClient) -> None:
        store, now = scan.store, scan.now
        if not scan.subscribers or not await self.checked.due(store.id, now):
            return
        try:
            in_delivery = [
                posting
                async for page in client.in_delivery(now - ORDERED_SINCE, now)
                for posting in page.postings
            ]
            known = await postings_db.known_postings(
                self._db, store.id, [posting.posting_number for posting in in_delivery]
            )
            # Followed: every rFBS posting with a promise, and every posting the bot watched
            # (a posting the sorting centre does not accept is learnt of here); not one the
            # scan still watches: it learns first that the posting was handed over.
            listed = {
                posting.posting_number: posting
                for posting in in_delivery
                if self._follows(posting, scan)
                and (
                    ((found := known.get(posting.posting_number)) is None
                     and promised(posting, scan) is not None)
                    or (found is not None and found.outcome is not None)
                )
            }  # fmt: skip
            # Left delivery since last seen in it: what became of them is asked. One no longer
            # followed (past `follow_for`) is not asked about: it is left to retention.
            followed = await postings_db.numbers_with_outcome(self._db, store.id, IN_DELIVERY)
            gone = followed - {posting.posting_number for posting in in_delivery}
            left = {
                number: known_one
                for number, known_one in (
                    await postings_db.known_postings(self._db, store.id, sorted(gone))
                ).items()
                if now - known_one.last_seen_at <= self._follow_for
            }
            ended = await self._ended(client, scan, left) if left else []
        except MethodGone as error:
            await self._health.method_gone(store, error, now)
            return
        except OzonError as error:  # told if it lasts: the scan's own calls fail alike
            log.warning("store %s: deliveries not read: %s", store.client_id, error)
            return
        changed = [
            posting
            for posting in listed.values()
            if (found := known.get(posting.posting_number)) is None
            or found.outcome != IN_DELIVERY
            or found.data != posting.model_dump_json()
        ]
        unchanged = listed.keys() - {posting.posting_number for posting in changed}
        await self._store(scan, changed, ended, sorted(unchanged), known.keys())
        await self._warn(scan, [p for p in listed.values() if promised(p, scan) is not None])
        await self.checked.done(store.id, now)  # only once read: a failed check is tried again soon

    def _follows(self, posting: Posting, scan: StoreScan) -> bool:
        now = scan.now
        end = promised(posting, scan)
        recent = now - posting.shipment_date < self._follow_for
        return recent or (end is not None and now - end <= BROKEN_TOLD_FOR)

    async def _ended(
        self, client: SellerClient, scan: StoreScan, left: dict[str, KnownPosting]
    ) -> list[Posting]:
        """What became of followed postings no longer in delivery (delivered, mostly): asked
        from the last check that still saw them in delivery, whenever that was (a restart, an
        outage of Ozon's), so that no change is missed."""
        found = []
        changed_from = min(known.last_seen_at for known in left.values()) - timedelta(hours=1)
        async for page in client.changed(scan.now - ORDERED_SINCE, scan.now, changed_from):
            found += [posting for posting in page.postings if posting.posting_number in left]
        return found

    async def _store(
        self,
        scan: StoreScan,
        listed: list[Posting],
        ended: list[Posting],
        unchanged: list[str],
        known: Collection[str],
    ) -> None:
        """Stores what changed; the rest is marked seen in delivery now (see `_ended`)."""
        records = [
            PostingRecord(p.posting_number, p.status, p.shipment_date, IN_DELIVERY,
                          p.model_dump_json(), outcome_seen=p.posting_number in known)
            for p in listed
        ] + [
            PostingRecord(p.posting_number, p.status, p.shipment_date, _ending(p.status),
                          p.model_dump_json())
            for p in ended
        ]  # fmt: skip
        async with self._db.transaction():
            await postings_db.save_postings(self._db, scan.store.id, records, scan.now)
            await postings_db.mark_seen(self._db, scan.store.id, unchanged, scan.now)
            for posting in ended:
                messages = await alerts_db.messages_about(
                    self._db, scan.store.id, posting.posting_number
                )
                await self._announcer.edit_messages(scan.store, messages, scan.now)
                if posting.status in TRAP_STATUSES:
                    await self._announcer.tell_trap(scan, posting, posting.status)

    async def _warn(self, scan: StoreScan, listed: list[Posting]) -> None:
        numbers = [posting.posting_number for posting in listed]
        alerted = await alerts_db.alerted_stages(self._db, scan.store.id, numbers)
        async with self._db.transaction():
            for posting in listed:
                end = promised(posting, scan)
                assert end is not None  # only promised postings are listed
                if scan.now - end > BROKEN_TOLD_FOR and not any(
                    key[1:] == (posting.posting_number, end) for key in alerted
                ):
                    continue  # broken long before the bot first saw it
                for sub in scan.subscribers:
                    leads = leads_of(sub, self._leads)
                    stage = stage_to_alert(
                        deadline_stage(end, scan.now, leads),
                        alerted.get((sub.chat_id, posting.posting_number, end), ()),
                    )
                    if stage is None:
                        continue
                    target = [(posting.posting_number, end)]
                    message_id = await self._announcer.post(
                        scan, sub, MessageKind.PROMISE, stage, target,
                        urgent=is_urgent(stage, leads),
                        silent=quiet_now(sub, scan.now),
                    )  # fmt: skip
                    await alerts_db.record_stage(
                        self._db, message_id=message_id, chat_id=sub.chat_id,
                        store_id=scan.store.id, postings=target, stage=stage, now=scan.now,
                    )  # fmt: skip


def _ending(status: str) -> str:
    return "delivered" if status == "delivered" else outcome_of(status)
