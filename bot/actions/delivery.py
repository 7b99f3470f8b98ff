"""The steps of an rFBS posting the seller delivers, and of a multi-box one, where Ozon offers
them in `available_actions`: the tracking number typed (`set_track_number`), the posting moved
to "delivering", "last mile" and "delivered" (`non_int_*`), and the box count typed before
packing (multi-box, rFBS Aggregator). Ozon applies a status change asynchronously: done means
Ozon accepted it, and the alert follows the status a later scan reads."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from bot.actions.flow import Flow, Screen, Wizard
from bot.ozon.changes import PostingChanges
from bot.views.buttons import AlertVerb

Mark = Callable[[PostingChanges, str], Awaitable[None]]
TRACKING_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/ ]{2,63}")
MAX_BOXES = 99


async def start_tracking(flow: Flow) -> Screen:
    await flow.create("tracking", {})
    return await flow.await_text(
        flow.tx("action.tracking.ask", number=flow.press.posting.posting_number)
    )


async def typed_tracking(flow: Flow, text: str) -> Screen:
    if not TRACKING_NUMBER.fullmatch(text):
        return await flow.await_text(flow.tx("action.tracking.invalid"))
    flow.params.update(tracking=text, label=text)
    await flow.save()
    prompt = flow.tx("action.tracking.confirm", number=flow.press.posting.posting_number,
                     tracking=text)  # fmt: skip
    return await flow.step(prompt, [flow.confirm_row("button.confirm")])


async def send_tracking(flow: Flow) -> None:
    await flow.seller().changes.set_tracking_number(
        flow.press.posting.posting_number, flow.params["tracking"]
    )


def status_step(kind: str, verb: AlertVerb, offered_by: str, mark: Mark) -> Wizard:
    """A status the seller moves a posting it delivers to: confirmed, then sent."""

    async def start(flow: Flow) -> Screen:
        await flow.create(kind, {})
        prompt = flow.tx(f"action.{kind}.confirm", number=flow.press.posting.posting_number)
        return await flow.step(prompt, [flow.confirm_row("button.confirm")])

    async def send(flow: Flow) -> None:
        await mark(flow.seller().changes, flow.press.posting.posting_number)

    return Wizard(kind=kind, starts_on=verb, offered_by=offered_by, start=start,
                  carry_out=send, failure="action.delivery.failed")  # fmt: skip


async def start_boxes(flow: Flow) -> Screen:
    posting = flow.press.posting
    if not posting.is_multibox or posting.status != "awaiting_packaging":  # packed already
        return await flow.screens.of(flow.press.message)
    await flow.create("boxes", {})
    return await flow.await_text(
        flow.tx("action.boxes.ask", number=flow.press.posting.posting_number)
    )


async def typed_boxes(flow: Flow, text: str) -> Screen:
    if not text.isdigit() or not 1 <= int(text) <= MAX_BOXES:
        return await flow.await_text(flow.tx("action.boxes.invalid", most=MAX_BOXES))
    flow.params.update(boxes=int(text), label=text)
    await flow.save()
    prompt = flow.tx("action.boxes.confirm", number=flow.press.posting.posting_number,
                     boxes=int(text))  # fmt: skip
    return await flow.step(prompt, [flow.confirm_row("button.confirm")])


async def send_boxes(flow: Flow) -> None:
    await flow.seller().changes.set_box_count(
        flow.press.posting.posting_number, flow.params["boxes"]
    )


TRACKING = Wizard(
    kind="tracking",
    starts_on=AlertVerb.TRACK,
    offered_by="set_track_number",
    start=start_tracking,
    typed=typed_tracking,
    carry_out=send_tracking,
    failure="action.delivery.failed",
)
DELIVERING = status_step(
    "delivering", AlertVerb.DELIVERING, "non_int_delivering", PostingChanges.mark_delivering
)
LAST_MILE = status_step(
    "last_mile", AlertVerb.LAST_MILE, "non_int_last_mile", PostingChanges.mark_last_mile
)
DELIVERED = status_step(
    "delivered", AlertVerb.DELIVERED, "non_int_delivered", PostingChanges.mark_delivered
)
BOXES = Wizard(
    kind="boxes",
    starts_on=AlertVerb.BOXES,
    offered_by=None,  # Ozon names no action for it: offered on multi-box postings to pack
    start=start_boxes,
    typed=typed_boxes,
    carry_out=send_boxes,
    failure="action.delivery.failed",
)
