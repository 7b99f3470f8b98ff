"""The two dates Ozon may let a seller set: the shipping date Ozon asks for (`set_cutoff`, an
obligation due by `shipment_date`, bot/core/cutoff.py) and the buyer's delivery day
(`set_timeslot`, within the interval and the number of changes Ozon allows; it does not move
`shipment_date`). Both are days of the warehouse's calendar."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from bot.actions.flow import Flow, Screen, Step, Wizard
from bot.core.cutoff import cutoff_days
from bot.ozon import OzonError
from bot.views.buttons import AlertVerb, StepVerb
from bot.views.format import format_day, format_moment

MAX_TIMESLOT_DAYS = 7


async def start_cutoff(flow: Flow) -> Screen:
    """Ozon asks for the shipping date (`set_cutoff`): the warehouse's days it can be."""
    posting = flow.press.posting
    if posting.shipment_date <= flow.now():
        prompt = flow.tx("action.extend.too_late", number=posting.posting_number)
        return await flow.step(prompt, [flow.ask_row()])
    zone = await flow.warehouse_zone()
    days = cutoff_days(flow.now(), posting.promise_end, zone)
    if not days:
        prompt = flow.tx("action.cutoff.none", number=posting.posting_number)
        return await flow.step(prompt, [flow.ask_row()])
    await flow.create("extend", {"days": [day.isoformat() for day in days]})
    rows = [
        [flow.button(format_day(flow.tx, day, zone), StepVerb.DAYS, str(index))]
        for index, day in enumerate(days)
    ]
    timezone = await flow.timezone()
    prompt = flow.tx(
        "action.cutoff.pick",
        number=posting.posting_number,
        deadline=format_moment(flow.tx, posting.shipment_date, timezone),
        promise=format_day(flow.tx, posting.promise_end, zone) if posting.promise_end else "—",
    )
    return await flow.step(prompt, rows)


async def pick_cutoff(flow: Flow, arg: str) -> Screen:
    day = datetime.fromisoformat(flow.params["days"][int(arg)])
    label = format_day(flow.tx, day, await flow.warehouse_zone())
    flow.params.update(new_date=day.isoformat(), label=label)
    await flow.save()
    prompt = flow.tx("action.extend.confirm", number=flow.press.posting.posting_number, date=label)
    return await flow.step(prompt, [flow.confirm_row("button.confirm_date")])


def _offered_day(params: dict[str, Any], arg: str) -> bool:
    return arg.isdigit() and int(arg) < len(params.get("days", []))


async def send_cutoff(flow: Flow) -> None:
    new_date = datetime.fromisoformat(flow.params["new_date"])
    await flow.seller().changes.set_cutoff(flow.press.posting.posting_number, new_date)


async def start_timeslot(flow: Flow) -> Screen:
    number = flow.press.posting.posting_number
    try:
        limits = await flow.seller().timeslot_restrictions(number)
    except OzonError as error:
        return await flow.with_error(error, "action.extend.failed")
    interval = limits.delivery_interval
    if interval is None or limits.remaining_changes_count <= 0:
        return await flow.step(flow.tx("action.timeslot.none", number=number), [flow.ask_row()])
    zone = await flow.warehouse_zone()  # Ozon's delivery days are the warehouse's
    slots = day_slots(interval.begin, interval.end, zone)
    await flow.create(
        "timeslot", {"slots": [[start.isoformat(), end.isoformat()] for start, end in slots]}
    )
    rows = [
        [flow.button(format_day(flow.tx, start, zone), StepVerb.SLOT, str(index))]
        for index, (start, _) in enumerate(slots)
    ]
    prompt = flow.tx(
        "action.timeslot.pick",
        number=number,
        begin=format_moment(flow.tx, interval.begin, zone),
        end=format_moment(flow.tx, interval.end, zone),
        count=limits.remaining_changes_count,
        deadline=format_moment(flow.tx, flow.press.posting.shipment_date, await flow.timezone()),
    )
    return await flow.step(prompt, rows)


def _offered_slot(params: dict[str, Any], arg: str) -> bool:
    return arg.isdigit() and int(arg) < len(params.get("slots", []))


async def pick_timeslot(flow: Flow, arg: str) -> Screen:
    start = datetime.fromisoformat(flow.params["slots"][int(arg)][0])
    label = format_day(flow.tx, start, await flow.warehouse_zone())
    flow.params.update(slot=int(arg), label=label)
    await flow.save()
    prompt = flow.tx(
        "action.timeslot.confirm", number=flow.press.posting.posting_number, date=label
    )
    return await flow.step(prompt, [flow.confirm_row("button.confirm_date")])


async def send_timeslot(flow: Flow) -> None:
    start, end = flow.params["slots"][flow.params["slot"]]
    await flow.seller().changes.set_timeslot(
        flow.press.posting.posting_number,
        datetime.fromisoformat(start),
        datetime.fromisoformat(end),
    )


def day_slots(begin: datetime, end: datetime, zone: tzinfo) -> Sequence[tuple[datetime, datetime]]:
    """The allowed interval cut into days of the warehouse's calendar, at most a week."""
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
    steps=(Step(StepVerb.DAYS, pick_cutoff, accepts=_offered_day),),
    carry_out=send_cutoff,
)
TIMESLOT = Wizard(
    kind="timeslot",
    starts_on=AlertVerb.TIMESLOT,
    offered_by="set_timeslot",
    start=start_timeslot,
    steps=(Step(StepVerb.SLOT, pick_timeslot, accepts=_offered_slot),),
    carry_out=send_timeslot,
)
