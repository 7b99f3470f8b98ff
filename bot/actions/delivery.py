"""The steps of an rFBS posting the seller delivers, and of a multi-box one, where Ozon offers
them in `available_actions`: the tracking number typed (`set_track_number`), the posting moved
to "delivering" (`non_int_delivering`), and the box count typed before packing (multi-box,
rFBS Aggregator). Ozon applies the status change asynchronously: done means Ozon accepted it,
and the alert follows the status the next scan reads."""

from __future__ import annotations

import re

from bot.actions.flow import Flow, Screen, Wizard
from bot.views.buttons import AlertVerb

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
    await flow.seller().set_tracking_number(
        flow.press.posting.posting_number, flow.params["tracking"]
    )


async def start_delivering(flow: Flow) -> Screen:
    await flow.create("delivering", {})
    prompt = flow.tx("action.delivering.confirm", number=flow.press.posting.posting_number)
    return await flow.step(prompt, [flow.confirm_row("button.confirm")])


async def send_delivering(flow: Flow) -> None:
    await flow.seller().mark_delivering(flow.press.posting.posting_number)


async def start_boxes(flow: Flow) -> Screen:
    if not flow.press.posting.is_multibox:  # a button this posting was never drawn with
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
    await flow.seller().set_box_count(flow.press.posting.posting_number, flow.params["boxes"])


TRACKING = Wizard(
    kind="tracking",
    starts_on=AlertVerb.TRACK,
    offered_by="set_track_number",
    start=start_tracking,
    typed=typed_tracking,
    carry_out=send_tracking,
    failure="action.delivery.failed",
)
DELIVERING = Wizard(
    kind="delivering",
    starts_on=AlertVerb.DELIVERING,
    offered_by="non_int_delivering",
    start=start_delivering,
    carry_out=send_delivering,
    failure="action.delivery.failed",
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
