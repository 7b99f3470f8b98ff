"""Packing again a posting whose packing failed at Ozon (substatus `ship_failed`), where Ozon
offers `ship_async_retry`: all its products as one package, confirmed, then
`/v4/posting/fbs/ship`. A posting that needs per-unit data (marking codes, customs
declarations…) or several boxes is packed again in Seller Center, where that data is entered.

Ozon packs asynchronously, so done means Ozon took the request: the alert says so, and a later
scan tells whether packing succeeded or failed again (a new message)."""

from __future__ import annotations

from bot.actions.flow import Flow, Screen, Wizard
from bot.core.traps import can_pack_again
from bot.views.buttons import AlertVerb
from bot.views.format import shorten
from storage import postings as postings_db

PACKING = "ship_async_in_process"


async def start(flow: Flow) -> Screen:
    posting = flow.press.posting
    if not can_pack_again(posting):
        return await flow.with_line(
            flow.tx("action.repack.seller_center", number=posting.posting_number)
        )
    await flow.create("repack", {"products": [[p.sku, p.quantity] for p in posting.products]})
    products = "\n".join(f"• {shorten(p.name, 40)} × {p.quantity}" for p in posting.products)
    prompt = flow.tx("action.repack.confirm", number=posting.posting_number, products=products)
    return await flow.step(prompt, [flow.confirm_row("button.confirm")])


async def send(flow: Flow) -> None:
    posting = flow.press.posting
    products = [(sku, quantity) for sku, quantity in flow.params["products"]]
    await flow.seller().changes.pack_again(posting.posting_number, products)
    actions = [action for action in posting.available_actions if action != "ship_async_retry"]
    packing = posting.model_copy(update={"substatus": PACKING, "available_actions": actions})
    await postings_db.note_packing(
        flow.wiring.db, flow.press.store.id, posting.posting_number, packing.model_dump_json()
    )


REPACK = Wizard(
    kind="repack",
    starts_on=AlertVerb.REPACK,
    offered_by="ship_async_retry",
    start=start,
    carry_out=send,
    failure="action.delivery.failed",
)
