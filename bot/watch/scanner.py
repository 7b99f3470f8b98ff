"""The scan: Ozon postings → stages → alert records and outbox rows, one store at a time.

Follow one posting: `_apply_page` stores what Ozon says about it and edits earlier alerts when
it left the watched statuses or its deadline moved; `_announce` turns newly reached stages into
alert messages. Alert records and outbox rows are written in the same transaction."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.clock import utcnow
from bot.core.chat_rules import (
    DEFAULT_ESCALATION_DELAY,
    DEFAULT_GROUP_THRESHOLD,
    DEFAULT_REPEAT_INTERVAL,
    quiet_hours_of,
)
from bot.core.deadlines import (
    LOOKBACK,
    OVERDUE,
    WATCHED_STATUSES,
    Due,
    group_for_messages,
    outcome_of,
    stage_now,
    stage_to_alert,
    warehouse_warn_at,
    warning_stage,
    watch_window,
)
from bot.core.stock_risk import products_at_risk, shortfalls
from bot.i18n.catalogs import use_language
from bot.i18n.texts import Markup, t
from bot.ozon import (
    REQUIRED_METHODS,
    AccessDenied,
    BadRequest,
    InvalidApiKey,
    MissingRole,
    OzonApi,
    OzonError,
    Posting,
    PostingPage,
    SellerClient,
)
from bot.security.crypto import KeyCipher, UnreadableKey
from bot.security.tokens import new_token
from bot.views.alerts import AlertRenderer, stored_posting
from bot.views.render import (
    PostingView,
    cancelled_by_ozon,
    format_duration,
    format_moment,
    render_group_parts,
    render_ozon_cancellation,
    time_left,
)
from bot.watch.warehouses import working_week
from storage import Database
from storage import actions as actions_db
from storage import alerts as alerts_db
from storage import buyer_chats as buyer_chats_db
from storage import chats as chats_db
from storage import escalations as escalations_db
from storage import outbox as outbox_db
from storage import postings as postings_db
from storage import retention as retention_db
from storage import stock as stock_db
from storage import stores as stores_db
from storage import warehouses as warehouses_db
from storage.alerts import AlertMessage
from storage.postings import KnownPosting, PostingRecord
from storage.stock import StockFigures
from storage.stores import Store, Subscriber
from storage.warehouses import WarehouseDays

log = logging.getLogger(__name__)

CHANGED_SINCE = timedelta(days=90)
# Postings that left the list without a status change are fetched one by one, slowly.
LOOKUPS_PER_SCAN = 2
MAX_LISTED = 40  # postings named in one escalation; the rest are counted
OUTAGE_NOTICE_AFTER = timedelta(minutes=10)  # Ozon failing this long: the chats are told
MAX_CIRCUIT_WAIT = timedelta(minutes=15)
KEY_WARNING_DAYS = (1, 7)  # most urgent first
ALERT_RETENTION = timedelta(days=30)  # alerts and postings done with are kept this long
AUDIT_RETENTION = timedelta(days=365)
PRUNE_EVERY = timedelta(hours=1)
WAREHOUSES_EVERY = timedelta(days=1)  # working days change rarely
# A page listed unchanged has its postings' seen time rewritten this often, not on every scan
# (it only tells since when to look for a posting that left the list, give or take that).
SEEN_REFRESH = timedelta(minutes=10)
STOCK_EVERY = timedelta(minutes=30)  # stock moves slowly next to deadlines; Ozon's quota does not
# A stock message announces no deadline stage: never counted by escalation or stage queries.
STOCK_STAGE = 2**31 - 1
AWAITING = "awaiting_packaging"
STORE_CONCURRENCY = 8


@dataclass(frozen=True, slots=True)
class Watched:
    """What the stages of a watched posting depend on: all a scan keeps of it between scans."""

    posting_number: str
    shipment_date: datetime
    warehouse_id: int

    @classmethod
    def of(cls, posting: Posting) -> Watched:
        method = posting.delivery_method
        warehouse_id = method.warehouse_id if method and method.warehouse_id else 0
        return cls(posting.posting_number, posting.shipment_date, warehouse_id)


@dataclass(frozen=True, slots=True)
class PageMemo:
    """A page of the unfulfilled list as a store's last scan saw it (a bot.ozon KnownPage)."""

    digest: bytes
    cursor: str
    has_next: bool
    watched: tuple[Watched, ...]
    marked_at: datetime  # when its postings' seen time was last written


@dataclass
class _StoreScan:
    """What one scan of one store carries from page to page."""

    store: Store
    subscribers: list[Subscriber]
    now: datetime
    due: list[Due] = field(default_factory=list)
    postings: dict[str, Posting] = field(default_factory=dict)  # those in `due`
    queued: set[tuple[int, str]] = field(default_factory=set)  # (chat, posting) in `due`
    warehouses: dict[int, WarehouseDays] = field(default_factory=dict)
    awaiting: dict[str, Posting] = field(default_factory=dict)  # watched, not packed yet
    reads_stock: bool = False  # the stock check runs after this scan: every posting parsed
    pages: dict[str, PageMemo] = field(default_factory=dict)  # this scan's, by cursor asked with
    seen: set[str] = field(default_factory=set)  # postings listed on this scan's pages

    def warn_at(self, watched: Watched) -> datetime:
        """The deadline, or the end of the last working day of its warehouse before it."""
        found = self.warehouses.get(watched.warehouse_id)
        return warehouse_warn_at(watched.shipment_date, found)


class Scanner:
    def __init__(
        self,
        db: Database,
        ozon: OzonApi,
        cipher: KeyCipher,
        default_lead_times: tuple[int, ...],
        *,
        clock: Callable[[], datetime] = utcnow,
        on_outbox: Callable[[], None] = lambda: None,
        retention: timedelta = ALERT_RETENTION,
    ):
        self._db = db
        self._renderer = AlertRenderer(db)
        self._ozon = ozon
        self._cipher = cipher
        self._lead_times = default_lead_times
        self._clock = clock
        self._on_outbox = on_outbox
        self._running: asyncio.Task[object] | None = None
        # Stores asked for a scan of their own (just connected or linked), and the task that
        # scans them; a store is scanned by one task at a time.
        self._wanted: set[int] = set()
        self._wanted_task: asyncio.Task[None] | None = None
        self._store_locks: dict[int, asyncio.Lock] = {}
        self._retention = retention
        self._pruned_at: datetime | None = None
        self._warehouses_tried: dict[int, datetime] = {}
        self._warehouses_read: dict[int, tuple[datetime, dict[int, WarehouseDays]]] = {}
        self._stock_checked: dict[int, datetime] = {}
        # Only this scanner writes postings, so a page Ozon repeats byte for byte is known.
        self._pages: dict[int, dict[str, PageMemo]] = {}

    async def stop(self, grace_seconds: float) -> None:
        """Lets a scan in progress finish (each page commits on its own), then cancels it."""
        tasks = {task for task in (self._running, self._wanted_task) if task and not task.done()}
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=grace_seconds)
        for task in pending:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def request_store_scan(self, store_id: int) -> None:
        """Scans this one store soon (it was just connected or linked to a chat): never every
        store, so nobody can spend other sellers' Ozon quota by asking again and again. Asking
        while the store waits for its scan changes nothing."""
        self._wanted.add(store_id)
        if self._wanted_task is None or self._wanted_task.done():
            self._wanted_task = asyncio.create_task(self._scan_wanted())

    async def _scan_wanted(self) -> None:
        while self._wanted:
            store = await stores_db.store_by_id(self._db, self._wanted.pop())
            if store is not None and store.state == "active":
                await self._scan_alone(store)

    async def scan_all(self) -> None:
        self._running = asyncio.current_task()
        await self._scan_stores(await stores_db.all_stores(self._db, active_only=True))
        await self._prune()

    async def _prune(self) -> None:
        """Once an hour, forgets what is past retention."""
        now = self._clock()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        await retention_db.prune(self._db, now - self._retention, now - AUDIT_RETENTION)

    async def _scan_stores(self, stores: list[Store]) -> None:
        limit = asyncio.Semaphore(STORE_CONCURRENCY)

        async def scan(store: Store) -> None:
            async with limit:
                await self._scan_alone(store)

        await asyncio.gather(*(scan(store) for store in stores))
        scanned = {store.id for store in stores}
        self._pages = {
            store_id: memo for store_id, memo in self._pages.items() if store_id in scanned
        }
        self._store_locks = {
            store_id: lock
            for store_id, lock in self._store_locks.items()
            if store_id in scanned or lock.locked()
        }

    async def _scan_alone(self, store: Store) -> None:
        """Scans the store unless another task is scanning it, then after that one."""
        async with self._store_locks.setdefault(store.id, asyncio.Lock()):
            await self.scan_store(store)

    async def scan_store(self, store: Store) -> bool:
        """Scans one store; returns whether Ozon answered. Never raises."""
        now = self._clock()
        if store.next_try_at is not None and store.next_try_at > now:
            return False  # its circuit is open: Ozon kept failing for it
        try:
            await self._scan(store, now)
        except (InvalidApiKey, MissingRole, AccessDenied) as error:
            await self._key_rejected(store, error, now)
            return False
        except OzonError as error:
            log.warning("store %s: scan failed: %s", store.client_id, error)
            await self._failing(store, now)
            return False
        except UnreadableKey as error:
            log.error("store %s: not scanned: %s", store.client_id, error)
            return False
        except Exception:
            log.exception("store %s: scan failed", store.client_id)
            return False
        else:
            await self._recovered(store, now)
            await self._warn_key_expiry(store, now)
            return True
        finally:
            self._on_outbox()

    async def _failing(self, store: Store, now: datetime) -> None:
        """Ozon keeps failing for this store: wait longer between tries (up to 15 min), and
        after a while tell its chats once that alerts may be late."""
        since = store.failing_since or now
        failing_for = now - since
        wait = min(MAX_CIRCUIT_WAIT, max(timedelta(seconds=30), failing_for))
        notify = not store.outage_notified and failing_for >= OUTAGE_NOTICE_AFTER
        async with self._db.transaction():
            await stores_db.mark_failing(
                self._db, store.id, since, now + wait, store.outage_notified or notify
            )
            if notify:
                await self._tell_store_chats(store, "store.ozon_down", now, since=since)

    async def _recovered(self, store: Store, now: datetime) -> None:
        async with self._db.transaction():
            await stores_db.mark_scanned(self._db, store.id, now)
            if store.outage_notified:
                await self._tell_store_chats(store, "store.ozon_back", now)

    async def _tell_store_chats(
        self, store: Store, key: str, now: datetime, since: datetime | None = None
    ) -> None:
        for sub in await stores_db.subscribers(self._db, store.id):
            with use_language(sub.language):
                when = format_moment(since, sub.timezone) if since else ""
                text = t(key, store=store.name, since=when)
            await outbox_db.enqueue(
                self._db, chat_id=sub.chat_id, thread_id=sub.thread_id, action="send",
                text=text, reply_markup=None, urgent=True, now=now,
            )  # fmt: skip

    async def _warn_key_expiry(self, store: Store, now: datetime) -> None:
        """Warns the owner 7 days and 1 day before the API key expires, once each."""
        if store.key_expires_at is None:
            return
        left = store.key_expires_at - now
        due = next((d for d in KEY_WARNING_DAYS if left <= timedelta(days=d)), None)
        if due is None or (store.key_warned_days is not None and store.key_warned_days <= due):
            return
        with use_language(await chats_db.chat_language(self._db, store.owner_user_id)):
            text = t("store.key_expires", store=store.name,
                     when=format_duration(max(left.total_seconds(), 60)))  # fmt: skip
        async with self._db.transaction():
            await stores_db.mark_key_warned(self._db, store.id, due)
            await outbox_db.enqueue(
                self._db, chat_id=store.owner_user_id, thread_id=None, action="send", text=text,
                reply_markup=None, urgent=True, now=now,
            )  # fmt: skip

    async def _scan(self, store: Store, now: datetime) -> None:
        subscribers = await stores_db.subscribers(self._db, store.id)
        api_key = self._cipher.open(store.id, store.api_key_encrypted)
        client = self._ozon.seller(store.client_id, api_key)
        # A scan that fails half-way leaves no memo: the next one reads every page.
        memos = self._pages.pop(store.id, {})
        scan = _StoreScan(store, subscribers, now, reads_stock=self._stock_due(store.id, now))
        scan.warehouses = await self._warehouses(store, client, now)
        window = watch_window(now, [lead for sub in subscribers for lead in self._leads(sub)])
        known = {} if scan.reads_stock else memos  # the stock check needs every posting
        async for page in client.unfulfilled(*window, known):
            await self._apply_listed(scan, page, known)
        self._pages[store.id] = scan.pages
        await self._announce(scan)
        await self._stock_risk(scan, client)
        await self._relay_buyer_answers(scan, client)
        for sub in scan.subscribers:
            if sub.chat_id < 0:  # a group: a team that may need a nudge
                await self._escalate(scan, sub)
            await self._repeat_overdue(scan, sub)
        missing = await postings_db.unseen_watched(self._db, store.id, scan.seen)
        if not missing:
            return
        try:
            await self._resolve_missing(scan, client, missing)
        except OzonError as error:
            # Alerts are out already; what became of these is learnt on a later scan.
            log.warning("store %s: could not look up %d postings: %s", store.client_id,
                        len(missing), error)  # fmt: skip
        await self._announce(scan)

    def _leads(self, subscriber: Subscriber) -> tuple[int, ...]:
        return subscriber.lead_times or self._lead_times

    async def _apply_listed(
        self, scan: _StoreScan, page: PostingPage, known: dict[str, PageMemo]
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
            watched = await self._apply_page(scan, page.postings)
            entries = tuple(Watched.of(posting) for posting in watched)
            memo = PageMemo(page.digest, page.cursor, page.has_next, entries, scan.now)
        scan.pages[page.after] = memo

    async def _apply_page(self, scan: _StoreScan, postings: Sequence[Posting]) -> list[Posting]:
        """Stores what Ozon says of these postings and collects their due stages; returns the
        watched ones."""
        store_id = scan.store.id
        numbers = [posting.posting_number for posting in postings]
        known = await postings_db.known_postings(self._db, store_id, numbers)
        records: list[PostingRecord] = []
        unchanged: list[str] = []
        changed: list[tuple[Posting, str | None]] = []
        for posting in postings:
            previous = known.get(posting.posting_number)
            was_watched = previous is not None and previous.outcome is None
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
            await postings_db.save_postings(self._db, store_id, records, scan.now)
            await postings_db.mark_seen(self._db, store_id, unchanged, scan.now)
            about = {
                posting.posting_number: await alerts_db.messages_about(
                    self._db, store_id, posting.posting_number
                )
                for posting, _ in changed
            }
            edited = {message.id: message for messages in about.values() for message in messages}
            await self._edit_messages(scan.store, list(edited.values()), scan.now)
            for posting, outcome in changed:
                if outcome is None:
                    await self._carry_over(scan, posting, about[posting.posting_number])
                elif outcome == "cancelled" and cancelled_by_ozon(posting.cancellation):
                    await self._notify_cancellation(scan, posting)
        watched = [p for p in postings if p.status in WATCHED_STATUSES]
        scan.awaiting.update((p.posting_number, p) for p in watched if p.status == AWAITING)
        await self._collect_due(
            scan, [Watched.of(p) for p in watched], {p.posting_number: p for p in watched}
        )
        return watched

    async def _collect_due(
        self, scan: _StoreScan, watched: Sequence[Watched], parsed: dict[str, Posting]
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
        return stage_now(posting.shipment_date, warn_at, now, self._leads(sub),
                         quiet_hours_of(sub), sub.timezone)  # fmt: skip

    async def _stock_risk(self, scan: _StoreScan, client: SellerClient) -> None:
        """Every STOCK_EVERY, compares what the waiting postings need with the FBS stock and
        tells the store's chats once about each product a warehouse is short of."""
        if not scan.reads_stock:
            return
        self._stock_checked[scan.store.id] = scan.now
        waiting = list(scan.awaiting.values())
        skus = products_at_risk(waiting)
        try:
            stocks = await client.stocks(skus) if skus else []
        except OzonError as error:
            log.info("store %s: stock not read: %s", scan.store.client_id, error)
            return
        found = shortfalls(waiting, stocks)
        told = await stock_db.told_shortfalls(self._db, scan.store.id)
        for shortfall in found:
            if (shortfall.sku, shortfall.warehouse_id) in told:
                continue
            views = [PostingView(scan.awaiting[number]) for number in shortfall.postings]
            figures = StockFigures(shortfall.sku, shortfall.offer_id, shortfall.warehouse,
                                   shortfall.needed, shortfall.present)  # fmt: skip
            async with self._db.transaction():
                for sub in scan.subscribers:
                    await self._create_stock_alert(scan, sub, views, figures)
                await stock_db.record_shortfall(
                    self._db, scan.store.id, shortfall.sku, shortfall.warehouse_id, scan.now
                )
        await stock_db.forget_covered(
            self._db, scan.store.id, [(s.sku, s.warehouse_id) for s in found]
        )

    def _stock_due(self, store_id: int, now: datetime) -> bool:
        last = self._stock_checked.get(store_id)
        return last is None or now - last >= STOCK_EVERY

    async def _create_stock_alert(
        self, scan: _StoreScan, sub: Subscriber, views: list[PostingView], figures: StockFigures
    ) -> None:
        postings = [(v.posting.posting_number, v.posting.shipment_date) for v in views]
        await self._post(scan, sub, "stock", STOCK_STAGE, postings, urgent=True,
                         silent=self._quiet_now(sub, scan.now), figures=figures)  # fmt: skip

    async def _warehouses(
        self, store: Store, client: SellerClient, now: datetime
    ) -> dict[int, WarehouseDays]:
        """The store's warehouses, asked of Ozon once a day (a key that may not read them is
        asked again the next day, not on every scan). Only the scanner writes them: they are
        read from the database once until the next asking is due."""
        read = self._warehouses_read.get(store.id)
        if read is not None and now < read[0]:
            return read[1]
        fetched = await warehouses_db.warehouses_fetched_at(self._db, store.id)
        tried = self._warehouses_tried.get(store.id)
        if (fetched is None or now - fetched >= WAREHOUSES_EVERY) and (
            tried is None or now - tried >= WAREHOUSES_EVERY
        ):
            tried = self._warehouses_tried[store.id] = now
            try:
                found = await client.warehouses()
            except OzonError as error:
                log.info("store %s: warehouses not read: %s", store.client_id, error)
            else:
                await warehouses_db.replace_warehouses(
                    self._db, store.id, [working_week(w) for w in found], now
                )
                fetched = now
        days = await warehouses_db.warehouses_of(self._db, store.id)
        asked = max(moment for moment in (fetched, tried) if moment is not None)
        self._warehouses_read[store.id] = (asked + WAREHOUSES_EVERY, days)
        return days

    @staticmethod
    def _quiet_now(sub: Subscriber, now: datetime) -> bool:
        quiet = quiet_hours_of(sub)
        return quiet is not None and quiet.contains(now, sub.timezone)

    def _urgent(self, stage: int, sub: Subscriber) -> bool:
        return stage == OVERDUE or stage == min(self._leads(sub))

    async def _resolve_missing(
        self, scan: _StoreScan, client: SellerClient, missing: list[KnownPosting]
    ) -> None:
        """Asks Ozon what became of watched postings that left the unfulfilled list."""
        wanted = {known.posting_number for known in missing}
        changed_from = min(known.last_seen_at for known in missing) - timedelta(hours=1)
        async for page in client.changed(scan.now - CHANGED_SINCE, scan.now, changed_from):
            found = [p for p in page.postings if p.posting_number in wanted]
            if found:
                await self._apply_page(scan, found)
                wanted -= {p.posting_number for p in found}
        # Left the cutoff window without a status change (a deadline moved far, say).
        leftovers = [known for known in missing if known.posting_number in wanted]
        for known in leftovers[:LOOKUPS_PER_SCAN]:
            try:
                await self._apply_page(scan, [await client.posting(known.posting_number)])
            except BadRequest:  # Ozon no longer knows it
                await postings_db.set_outcome(self._db, scan.store.id, known.posting_number, "gone")
        for known in leftovers[LOOKUPS_PER_SCAN:]:
            if known.shipment_date < scan.now - LOOKBACK:
                await postings_db.set_outcome(
                    self._db, scan.store.id, known.posting_number, "expired"
                )

    async def _announce(self, scan: _StoreScan) -> None:
        """Turns the stages collected so far into alert messages, in one transaction."""
        due, scan.due = scan.due, []
        subscribers = {sub.chat_id: sub for sub in scan.subscribers}
        quiet_now = {sub.chat_id for sub in scan.subscribers if self._quiet_now(sub, scan.now)}
        # Quiet hours hold back what is not urgent: it is not recorded, so it comes due again.
        held = {
            i.chat_id
            for i in due
            if i.chat_id in quiet_now and not self._urgent(i.stage, subscribers[i.chat_id])
        }
        due = [
            i for i in due if i.chat_id not in held or self._urgent(i.stage, subscribers[i.chat_id])
        ]
        # After quiet hours, what was held arrives together, in as few messages as possible.
        after_quiet = {
            s.chat_id for s in scan.subscribers if s.quiet_held and s.chat_id not in quiet_now
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
                silent = sub.chat_id in quiet_now
                if len(views) == 1:
                    await self._create_alert(scan, sub, "alert", stage, views, silent)
                    continue
                with use_language(sub.language):
                    parts = render_group_parts(scan.store.name, views, stage, sub.timezone)
                for part in parts:
                    await self._create_alert(
                        scan, sub, "group", stage, [views[i] for i in part], silent
                    )

    async def _create_alert(
        self,
        scan: _StoreScan,
        sub: Subscriber,
        kind: str,
        stage: int,
        views: list[PostingView],
        silent: bool = False,
    ) -> None:
        postings = [(v.posting.posting_number, v.posting.shipment_date) for v in views]
        message_id = await self._post(
            scan, sub, kind, stage, postings, urgent=self._urgent(stage, sub), silent=silent
        )
        await alerts_db.record_stage(
            self._db, message_id=message_id, chat_id=sub.chat_id, store_id=scan.store.id,
            postings=postings, stage=stage, now=scan.now,
        )  # fmt: skip

    async def _post(
        self,
        scan: _StoreScan,
        sub: Subscriber,
        kind: str,
        stage: int,
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

    async def _carry_over(
        self, scan: _StoreScan, posting: Posting, messages: list[AlertMessage]
    ) -> None:
        """After a deadline moved, the edited alert already tells the chat about the new
        deadline: its current stage counts as announced unless it is more urgent than any
        stage the chat was warned at."""
        for sub in scan.subscribers:
            in_chat = [message for message in messages if message.chat_id == sub.chat_id]
            if not in_chat:
                continue
            stage = warning_stage(
                posting.shipment_date, scan.warn_at(Watched.of(posting)), scan.now, self._leads(sub)
            )
            if stage is not None and stage >= min(message.stage for message in in_chat):
                await alerts_db.record_alert(
                    self._db,
                    message_id=max(message.id for message in in_chat),
                    chat_id=sub.chat_id,
                    store_id=scan.store.id,
                    posting=(posting.posting_number, posting.shipment_date),
                    stage=stage,
                    now=scan.now,
                )

    async def _edit_messages(
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

    async def _relay_buyer_answers(self, scan: _StoreScan, client: SellerClient) -> None:
        """New messages from buyers the bot wrote to, each relayed once under its alert."""
        for chat in await buyer_chats_db.followed(self._db, scan.store.id, scan.now):
            try:
                history = await client.chat_history(chat.ozon_chat_id)
            except OzonError as error:
                log.warning("store %s: buyer chat of %s unreadable: %s", scan.store.client_id,
                            chat.posting_number, error)  # fmt: skip
                continue
            fresh = [m for m in history if m.message_id > chat.last_message_id]
            if not fresh:
                continue
            language = await chats_db.chat_language(self._db, chat.chat_id)
            async with self._db.transaction():
                for message in fresh:
                    if message.from_buyer and message.data:
                        with use_language(language):  # the seller's chat's, not the buyer's
                            text = t(
                                "buyer.answered",
                                number=chat.posting_number,
                                text="\n".join(message.data)[:3000],
                            )
                        await outbox_db.enqueue(
                            self._db,
                            chat_id=chat.chat_id,
                            thread_id=chat.thread_id,
                            action="send",
                            text=text,
                            reply_markup=None,
                            reply_to=chat.message_id,
                            urgent=True,
                            now=scan.now,
                        )
                await buyer_chats_db.advance(self._db, chat, max(m.message_id for m in fresh))

    async def _escalate(self, scan: _StoreScan, sub: Subscriber) -> None:
        """Alerts at the last stage or overdue that nobody claimed or snoozed within the
        escalation delay: re-posted in the group with its contacts, and told to the owner."""
        delay = timedelta(seconds=sub.escalation_delay or DEFAULT_ESCALATION_DELAY)
        found = await escalations_db.unattended_alerts(
            self._db,
            chat_id=sub.chat_id,
            store_id=scan.store.id,
            least_stage=min(self._leads(sub)),
            announced_before=scan.now - delay,
            now=scan.now,
        )
        if not found:
            return

        def listed() -> Markup:
            lines = [
                t("escalation.line", number=item.posting_number,
                  deadline=format_moment(item.shipment_date, sub.timezone),
                  left=time_left(item.shipment_date, scan.now))
                for item in found[:MAX_LISTED]
            ]  # fmt: skip
            if len(found) > MAX_LISTED:
                lines.append(t("list.more", count=len(found) - MAX_LISTED))
            return Markup("\n".join(lines))

        mentions = f" {sub.escalation_contacts}" if sub.escalation_contacts else ""
        with use_language(sub.language):
            group_text = t(
                "escalation.group", delay=format_duration(delay.total_seconds()),
                store=scan.store.name, mentions=mentions, lines=listed(),
            )  # fmt: skip
        with use_language(await chats_db.chat_language(self._db, scan.store.owner_user_id)):
            owner_text = t("escalation.owner", delay=format_duration(delay.total_seconds()),
                           store=scan.store.name, lines=listed())  # fmt: skip
        owner = next((s for s in scan.subscribers if s.chat_id == scan.store.owner_user_id), None)
        async with self._db.transaction():
            for chat_id, thread_id, text, reply_to, silent in (
                (sub.chat_id, sub.thread_id, group_text, found[0].message_id,
                 self._quiet_now(sub, scan.now)),
                (scan.store.owner_user_id, None, owner_text, None,
                 owner is not None and self._quiet_now(owner, scan.now)),
            ):  # fmt: skip
                await outbox_db.enqueue(
                    self._db, chat_id=chat_id, thread_id=thread_id, action="send", text=text,
                    reply_markup=None, reply_to=reply_to, urgent=True, silent=silent,
                    now=scan.now,
                )  # fmt: skip
            await escalations_db.record_escalations(
                self._db, sub.chat_id, scan.store.id, found, scan.now
            )
            for item in found:
                await self._audit_bot_step(
                    scan, sub.chat_id, item.message_id, [(item.posting_number, None)], "escalate"
                )

    async def _audit_bot_step(
        self,
        scan: _StoreScan,
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
                actor_name="bot", now=scan.now, state="done",
            )  # fmt: skip

    async def _repeat_overdue(self, scan: _StoreScan, sub: Subscriber) -> None:
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
            message_id = await self._post(
                scan, sub, "summary", OVERDUE, overdue, urgent=True,
                silent=self._quiet_now(sub, scan.now),
            )  # fmt: skip
            if previous.message_id is not None:
                with use_language(sub.language):
                    superseded = t("repeat.superseded")
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

    async def _notify_cancellation(self, scan: _StoreScan, posting: Posting) -> None:
        for sub in scan.subscribers:
            with use_language(sub.language):
                text = render_ozon_cancellation(scan.store.name, posting)
            await outbox_db.enqueue(
                self._db,
                chat_id=sub.chat_id,
                thread_id=sub.thread_id,
                action="send",
                text=text,
                reply_markup=None,
                urgent=True,
                now=scan.now,
            )

    async def _key_rejected(self, store: Store, error: OzonError, now: datetime) -> None:
        log.warning("store %s: Ozon rejected the key: %s", store.client_id, error.message)
        with use_language(await chats_db.chat_language(self._db, store.owner_user_id)):
            text = t("store.key_invalid", store=store.name, reason=error.message) + (
                t("store.needs_role", methods=", ".join(REQUIRED_METHODS))
                if isinstance(error, MissingRole)
                else ""
            )
        async with self._db.transaction():
            state = "key_invalid" if isinstance(error, InvalidApiKey) else "key_refused"
            await stores_db.set_store_state(self._db, store.id, state)
            await outbox_db.enqueue(
                self._db,
                chat_id=store.owner_user_id,
                thread_id=None,
                action="send",
                text=text,
                reply_markup=None,
                urgent=True,
                now=now,
            )
