"""More time for a posting, the two ways Ozon may offer it: a new shipping date
(`set_cutoff`, before the deadline) or another delivery timeslot (`set_timeslot`, within the
interval and the number of changes Ozon allows)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.actions.flow import Flow, Screen, Step, Wizard
from bot.ozon import OzonError
from bot.views.buttons import AlertVerb, StepVerb
from bot.views.format import format_day, format_moment

CUTOFF_DAYS = ("1", "2", "3")
MAX_TIMESLOT_DAYS = 7


async def start_cutoff(flow: Flow) -> Screen:
    posting = flow.press.posting
    if posting.shipment_date <= flow.now():
        prompt = flow.tx("action.extend.too_late", number=posting.posting_number)
        return await flow.step(prompt, [flow.ask_row()])
    await flow.create("extend", {})
    timezone = await flow.timezone()
    rows = [
        [flow.button(format_moment(flow.tx, posting.shipment_date + timedelta(days=int(days)),
                                   timezone), StepVerb.DAYS, days)]
        for days in CUTOFF_DAYS
    ]  # fmt: skip
    prompt = flow.tx(
        "action.extend.pick",
        number=posting.posting_number,
        deadline=format_moment(flow.tx, posting.shipment_date, timezone),
    )
    return await flow.step(prompt, rows)


async def pick_cutoff(flow: Flow, arg: str) -> Screen:
    new_date = flow.press.posting.shipment_date + timedelta(days=int(arg))
    label = format_moment(flow.tx, new_date, await flow.timezone())
    flow.params.update(new_date=new_date.isoformat(), label=label)
    await flow.save()
    prompt = flow.tx("action.extend.confirm", number=flow.press.posting.posting_number, date=label)
    return await flow.step(prompt, [flow.confirm_row("button.confirm_date")])


async def send_cutoff(flow: Flow) -> None:
    new_date = datetime.fromisoformat(flow.params["new_date"])
    await flow.seller().set_cutoff(flow.press.posting.posting_number, new_date)


async def start_timeslot(flow: Flow) -> Screen:
    number = flow.press.posting.posting_number
    try:
        limits = await flow.seller().timeslot_restrictions(number)
    except OzonError as error:
        return await flow.with_error(error, "action.extend.failed")
    interval = limits.delivery_interval
    if interval is None or limits.remaining_changes_count <= 0:
        return await flow.step(flow.tx("action.timeslot.none", number=number), [flow.ask_row()])
    timezone = await flow.timezone()
    slots = day_slots(interval.begin, interval.end, timezone)
    await flow.create(
        "timeslot", {"slots": [[start.isoformat(), end.isoformat()] for start, end in slots]}
    )
    rows = [
        [flow.button(format_day(flow.tx, start, timezone), StepVerb.SLOT, str(index))]
        for index, (start, _) in enumerate(slots)
    ]
    prompt = flow.tx(
        "action.timeslot.pick",
        number=number,
        begin=format_moment(flow.tx, interval.begin, timezone),
        end=format_moment(flow.tx, interval.end, timezone),
        count=limits.remaining_changes_count,
    )
    return await flow.step(prompt, rows)


def _offered_slot(params: dict[str, Any], arg: str) -> bool:
    return arg.isdigit() and int(arg) < len(params.get("slots", []))


async def pick_timeslot(flow: Flow, arg: str) -> Screen:
    start = datetime.fromisoformat(flow.params["slots"][int(arg)][0])
    label = format_day(flow.tx, start, await flow.timezone())
    flow.params.update(slot=int(arg), label=label)
    await flow.save()
    prompt = flow.tx(
        "action.timeslot.confirm", number=flow.press.posting.posting_number, date=label
    )
    return await flow.step(prompt, [flow.confirm_row("button.confirm_date")])


async def send_timeslot(flow: Flow) -> None:
    start, end = flow.params["slots"][flow.params["slot"]]
    await flow.seller().set_timeslot(
        flow.press.posting.posting_number,
        datetime.fromisoformat(start),
        datetime.fromisoformat(end),
    )


def day_slots(begin: datetime, end: datetime, timezone: str) -> Sequence[tuple[datetime, datetime]]:
    """The allowed interval cut into days of the chat's calendar, at most a week of them."""
    zone = ZoneInfo(timezone)
    slots: list[tuple[datetime, datetime]] = []
    start = begin
    while start < end and len(slots) < MAX_TIMESLOT_DAYS:
        local = start.astimezone(zone)
        next_day = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        stop = min(end, next_day.astimezone(begin.tzinfo))
        slots.append((start, stop))
        start = stop
    return slots


CUTOFF = Wizard(
    kind="extend",
    starts_on=AlertVerb.EXTEND,
    offered_by="set_cutoff",
    start=start_cutoff,
    steps=(Step(StepVerb.DAYS, pick_cutoff, accepts=lambda _, arg: arg in CUTOFF_DAYS),),
    carry_out=send_cutoff,
)
TIMESLOT = Wizard(
    kind="timeslot",
    starts_on=AlertVerb.EXTEND,
    offered_by="set_timeslot",
    start=start_timeslot,
    steps=(Step(StepVerb.SLOT, pick_timeslot, accepts=_offered_slot),),
    carry_out=send_timeslot,
)
