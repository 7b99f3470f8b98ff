"""Alert texts: pure functions of the chat's texts (its language), posting data, its time zone
and `now` (their buttons are bot/views/keyboards.py's, times and names bot/views/format.py's)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.cutoff import cutoff_owed
from bot.core.deadlines import (
    IN_DELIVERY,
    OVERDUE,
    WATCHED_STATUSES,
    pack_lines,
)
from bot.i18n.texts import Markup, Texts
from bot.ozon.models import IN_DELIVERY_STATUSES, Cancellation, Posting, party_of
from bot.views.delivery import delivery_lines
from bot.views.format import format_day, format_lead, format_moment, shorten, time_left
from storage.actions import Action
from storage.claims import Claim
from storage.stock import StockFigures

MAX_PRODUCT_LINES = 10
MAX_NAME = 150  # Ozon product names run to 500 characters; an alert must stay readable
MAX_GROUP_NAME = 60
# Telegram allows 4,096 characters; grouped parts leave room on every line for the status
# mark a later edit adds ("🕒 moved to Thu 26 Nov 21:00 MSK").
GROUP_PART_LIMIT = 4000
MARK_RESERVE = 40
MAX_SUMMARY_LINES = 40  # an overdue list names this many; the rest are counted


@dataclass(frozen=True)
class PostingView:
    """A posting as one alert shows it: its data, what became of it, the deadline alerted."""

    posting: Posting
    outcome: str | None = None
    alerted_deadline: datetime | None = None

    @property
    def moved(self) -> bool:
        return (
            self.outcome is None
            and self.alerted_deadline is not None
            and self.alerted_deadline != self.posting.shipment_date
        )


def render_alert(
    tx: Texts,
    store: str,
    view: PostingView,
    stage: int,
    timezone: str,
    now: datetime,
    notes: Sequence[str] = (),
    closes_at: datetime | None = None,
    rfbs_warehouse: bool = False,
) -> str:
    """`closes_at`: the end of the warehouse's last working day before a deadline that falls
    on a day it does not work; the warnings count towards it. `rfbs_warehouse`: the posting's
    warehouse ships by rFBS (for a posting that names no delivery type of its own)."""
    posting = view.posting
    if closes_at is not None and stage != OVERDUE and view.outcome is None:
        lines: list[str] = [
            tx("alert.stage.closing", lead=format_lead(tx, stage), store=store,
               warehouse=shorten(posting.warehouse, MAX_GROUP_NAME) or "—"),
            tx("alert.closed_on_deadline", day=format_day(tx, posting.shipment_date, timezone),
               by=format_moment(tx, closes_at, timezone)),
        ]  # fmt: skip
    else:
        lines = [_stage_title(tx, store, stage, count=1)]
    if view.outcome is not None or view.moved:
        lines.insert(0, _outcome_line(tx, view, timezone))
    lines[:0] = notes
    # Ozon asking for the shipping date is an obligation due by the deadline itself.
    if view.outcome is None and cutoff_owed(posting, now):
        by = format_moment(tx, posting.shipment_date, timezone)
        lines.append(tx("alert.set_cutoff", by=by))
    lines.append(
        tx(
            "alert.posting",
            number=posting.posting_number,
            state=tx(f"alert.state.{posting.status}")
            if posting.status in WATCHED_STATUSES
            else posting.status,
            express=tx("alert.express") if posting.is_express else "",
        )
    )
    for product in posting.products[:MAX_PRODUCT_LINES]:
        lines.append(
            tx(
                "alert.product",
                name=shorten(product.name, MAX_NAME),
                quantity=product.quantity,
                offer_id=shorten(product.offer_id, MAX_GROUP_NAME),
            )
        )
    if len(posting.products) > MAX_PRODUCT_LINES:
        lines.append(tx("alert.more_products", count=len(posting.products) - MAX_PRODUCT_LINES))
    if posting.warehouse:
        lines.append(tx("alert.warehouse", warehouse=shorten(posting.warehouse, MAX_GROUP_NAME)))
    lines += delivery_lines(tx, posting, timezone, rfbs_warehouse)
    deadline = format_moment(tx, posting.shipment_date, timezone)
    if view.outcome is None:
        left = time_left(tx, posting.shipment_date, now)
        lines.append(tx("alert.deadline", deadline=deadline, left=left))
    else:
        lines.append(tx("alert.deadline_passed", deadline=deadline))
    if (
        posting.shipment_date_without_delay
        and posting.shipment_date_without_delay > posting.shipment_date
    ):
        lines.append(
            tx(
                "alert.late_after",
                moment=format_moment(tx, posting.shipment_date_without_delay, timezone),
            )
        )
    rate = _next_rate(tx, posting, timezone)
    if rate:
        lines.append(rate)
    return "\n".join(lines)


def render_promise(
    tx: Texts, store: str, view: PostingView, stage: int, timezone: str, notes: Sequence[str]
) -> str:
    """An rFBS posting on its way, nearing (or past) the delivery promised to the buyer."""
    posting = view.posting
    title = (
        tx("promise.broken", store=store)
        if stage == OVERDUE
        else tx("promise.stage", lead=format_lead(tx, stage), store=store)
    )
    lines = [*notes, title]
    if view.outcome != IN_DELIVERY:
        lines.insert(0, _outcome_line(tx, view, timezone))
    state = f"alert.state.{posting.status}"
    lines.append(
        tx(
            "alert.posting",
            number=posting.posting_number,
            express="",
            state=tx(state) if posting.status in IN_DELIVERY_STATUSES else posting.status,
        )
    )
    if posting.tracking_number:
        lines.append(tx("promise.tracking", tracking=posting.tracking_number))
    return "\n".join(lines + delivery_lines(tx, posting, timezone))  # fmt: skip


def render_group_parts(
    tx: Texts, store: str, views: Sequence[PostingView], stage: int, timezone: str
) -> list[list[int]]:
    """Splits a grouped alert into parts that fit one message each; returns view indexes."""
    lines = [_group_line(tx, view, timezone) for view in views]
    parts: list[list[int]] = []
    start = 0
    title = len(_stage_title(tx, store, stage, len(views))) + 1
    for chunk in pack_lines(lines, GROUP_PART_LIMIT - title, MARK_RESERVE):
        parts.append(list(range(start, start + len(chunk))))
        start += len(chunk)
    return parts


def render_group(
    tx: Texts, store: str, views: Sequence[PostingView], stage: int, timezone: str
) -> str:
    title = _stage_title(tx, store, stage, len(views))
    return "\n".join([title, *(_group_line(tx, view, timezone) for view in views)])


def render_stock(
    tx: Texts, store: str, figures: StockFigures, views: Sequence[PostingView], timezone: str
) -> str:
    """A product at a warehouse its waiting postings need and it has no unit to spare of:
    fewer counted than needed, or every unit counted reserved."""
    kind = "" if figures.short else ".spare"
    lines = [
        tx(f"stock.header{kind}", count=len(views), store=store),
        tx(f"stock.line{kind}", sku=figures.sku,
           offer_id=shorten(figures.offer_id, MAX_GROUP_NAME),
           warehouse=shorten(figures.warehouse, MAX_GROUP_NAME), present=figures.present,
           needed=figures.needed, reserved=figures.reserved),
    ]  # fmt: skip
    return "\n".join([*lines, *(_group_line(tx, view, timezone) for view in views)])


def team_notes(tx: Texts, claim: Claim | None, timezone: str, now: datetime) -> list[str]:
    """Who handles the posting in this chat, and whether it is snoozed."""
    if claim is None:
        return []
    notes: list[str] = []
    if claim.claimed_name:
        notes.append(tx("note.claimed", name=claim.claimed_name))
    if claim.snoozed_until and claim.snoozed_until > now and claim.snoozed_name:
        until = format_moment(tx, claim.snoozed_until, timezone)
        notes.append(tx("note.snoozed", until=until, name=claim.snoozed_name))
    return notes


# Noted on the alert with what was set: a date, a number, units.
LABELLED_ACTIONS = ("timeslot", "tracking", "delivering", "last_mile", "delivered", "boxes",
                    "cancel_items", "repack")  # fmt: skip
NOTED_ACTIONS = ("cancel", "message", "extend", *LABELLED_ACTIONS)


def action_note(tx: Texts, action: Action, timezone: str) -> str:
    """One line on the alert saying what was done about the posting, by whom and when
    (for the NOTED_ACTIONS: preparing a support request changes nothing at Ozon)."""
    params = action.params
    when = format_moment(tx, action.updated_at, timezone)
    if action.kind == "cancel":
        return tx(
            "note.cancelled", name=action.actor_name, when=when, reason=params.get("reason", "")
        )
    if action.kind == "message":
        template = tx(f"template.{params.get('template', 'own')}")
        return tx("note.messaged", name=action.actor_name, template=template)
    if action.kind in LABELLED_ACTIONS:
        return tx(f"note.{action.kind}", name=action.actor_name, date=params.get("label", ""))
    return tx("note.extended", name=action.actor_name, date=params.get("label", ""))


def render_summary(
    tx: Texts, store: str, views: Sequence[PostingView], timezone: str, now: datetime
) -> str:
    """The repeated list of overdue postings nobody has taken yet."""
    pending = [view for view in views if view.outcome is None]
    if not pending:
        return tx("summary.done", store=store)
    lines = [
        tx(
            "summary.line",
            number=view.posting.posting_number,
            deadline=format_moment(tx, view.posting.shipment_date, timezone),
            left=time_left(tx, view.posting.shipment_date, now),
        )
        for view in pending[:MAX_SUMMARY_LINES]
    ]
    if len(pending) > MAX_SUMMARY_LINES:
        lines.append(tx("list.more", count=len(pending) - MAX_SUMMARY_LINES))
    return "\n".join([tx("summary.title", store=store, count=len(pending)), *lines])


def cancelled_by_ozon(cancellation: Cancellation | None) -> bool:
    return cancellation is not None and initiator_of(cancellation) in ("ozon", "delivery")


def render_ozon_cancellation(tx: Texts, store: str, posting: Posting) -> str:
    cancellation = posting.cancellation or Cancellation()
    return tx(
        "ozon_cancelled",
        number=posting.posting_number,
        store=store,
        reason=_reason(tx, cancellation),
        rating=_rating(tx, cancellation),
    )


def _stage_title(tx: Texts, store: str, stage: int, count: int) -> str:
    if count > 1:
        if stage == OVERDUE:
            return tx("group.header.overdue", count=count, store=store)
        return tx("group.header.lead", count=count, lead=format_lead(tx, stage), store=store)
    if stage == OVERDUE:
        return tx("alert.stage.overdue", store=store)
    return tx("alert.stage.lead", lead=format_lead(tx, stage), store=store)


def _outcome_line(tx: Texts, view: PostingView, timezone: str) -> str:
    posting = view.posting
    if view.outcome is None:
        return tx(
            "outcome.moved",
            deadline=format_moment(tx, posting.shipment_date, timezone),
            previous=format_moment(tx, view.alerted_deadline or posting.shipment_date, timezone),
        )
    if view.outcome == "cancelled":
        cancellation = posting.cancellation or Cancellation()
        return tx(
            "outcome.cancelled",
            initiator=tx(f"initiator.{initiator_of(cancellation)}"),
            reason=_reason(tx, cancellation),
            rating=_rating(tx, cancellation),
        )
    if view.outcome == "left":
        return tx("outcome.left", status=posting.status)
    return tx(f"outcome.{view.outcome}")


def _short_outcome(tx: Texts, view: PostingView, timezone: str) -> str:
    if view.outcome is None:
        if view.moved:
            return tx(
                "outcome.short.moved",
                deadline=format_moment(tx, view.posting.shipment_date, timezone),
            )
        return ""
    if view.outcome == "left":
        return tx("outcome.short.left", status=view.posting.status)
    return tx(f"outcome.short.{view.outcome}")


def _group_line(tx: Texts, view: PostingView, timezone: str) -> str:
    posting = view.posting
    first = posting.products[0] if posting.products else None
    line = tx(
        "group.line",
        number=posting.posting_number,
        deadline=format_moment(tx, posting.shipment_date, timezone),
        product=f"{shorten(first.name, MAX_GROUP_NAME)} × {first.quantity}" if first else "—",
        more=tx("group.more", count=len(posting.products) - 1) if len(posting.products) > 1 else "",
    )
    mark = _short_outcome(tx, view, timezone)
    return f"{mark} {line}" if mark else line


def initiator_of(cancellation: Cancellation) -> str:
    return party_of(cancellation.cancellation_initiator or cancellation.cancellation_type)


def _reason(tx: Texts, cancellation: Cancellation) -> Markup:
    return (
        tx("outcome.cancelled.reason", reason=cancellation.cancel_reason)
        if cancellation.cancel_reason
        else Markup()
    )


def _rating(tx: Texts, cancellation: Cancellation) -> Markup:
    if cancellation.affect_cancellation_rating is None:
        return Markup()
    return tx(
        "outcome.rating.counts"
        if cancellation.affect_cancellation_rating
        else "outcome.rating.free"
    )


def _next_rate(tx: Texts, posting: Posting, timezone: str) -> str:
    tariff = posting.tariffication
    if not tariff or tariff.next_tariff_rate is None or not tariff.next_tariff_starts_at:
        return ""
    return tx(
        "alert.next_rate",
        rate=f"{tariff.next_tariff_rate:+g}%",
        kind=tariff.next_tariff_type or "—",
        moment=format_moment(tx, tariff.next_tariff_starts_at, timezone),
    )
