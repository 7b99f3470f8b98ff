"""Cancelling some units of one product, where Ozon offers it (`product_cancel`) and the
posting holds more than one unit: a seller short of one item need not cancel everything. The
product, how many, Ozon's reason and the explanation Ozon requires, then
`/v2/posting/fbs/product/cancel`."""

from __future__ import annotations

from typing import Any

from bot.actions.cancel import MAX_EXPLANATION, consequence, offered_reasons
from bot.actions.flow import Flow, Screen, Step, Wizard
from bot.views.buttons import AlertVerb, StepVerb
from bot.views.format import shorten

MAX_QUANTITY_BUTTONS = 10


async def start(flow: Flow) -> Screen:
    posting = flow.press.posting
    products = [p for p in posting.products if p.sku]
    await flow.create("cancel_items", {"products": [[p.sku, p.quantity] for p in products]})
    rows = [
        [flow.button(f"{shorten(p.name, 40)} × {p.quantity}", StepVerb.PRODUCT, str(index))]
        for index, p in enumerate(products)
    ]
    return await flow.step(flow.tx("action.items.product", number=posting.posting_number), rows)


def _offered_product(params: dict[str, Any], arg: str) -> bool:
    return arg.isdigit() and int(arg) < len(params.get("products", []))


async def pick_product(flow: Flow, arg: str) -> Screen:
    sku, quantity = flow.params["products"][int(arg)]
    flow.params.update(sku=sku, most=quantity)
    if quantity == 1:
        return await pick_quantity(flow, "1")
    await flow.save()
    rows = [[flow.button(str(n), StepVerb.QUANTITY, str(n))
             for n in range(1, min(quantity, MAX_QUANTITY_BUTTONS) + 1)]]  # fmt: skip
    return await flow.step(flow.tx("action.items.quantity", most=quantity), rows)


def _offered_quantity(params: dict[str, Any], arg: str) -> bool:
    return "sku" in params and arg.isdigit() and 1 <= int(arg) <= params["most"]


async def pick_quantity(flow: Flow, arg: str) -> Screen:
    flow.params["quantity"] = int(arg)
    reasons = await offered_reasons(flow)
    if isinstance(reasons, Screen):
        return reasons
    flow.params.update(reasons={str(r.id): r.title for r in reasons},
                       initiators={str(r.id): r.type_id for r in reasons})  # fmt: skip
    await flow.save()
    rows = [[flow.button(r.title[:60], StepVerb.REASON, str(r.id))] for r in reasons]
    return await flow.step(flow.tx("action.items.reason"), rows)


def _offered_reason(params: dict[str, Any], arg: str) -> bool:
    return "quantity" in params and arg in params.get("reasons", {})


async def pick_reason(flow: Flow, arg: str) -> Screen:
    flow.params.update(reason_id=int(arg), reason=flow.params["reasons"][arg])
    await flow.save()
    return await flow.await_text(flow.tx("action.cancel.explain", reason=flow.params["reason"]))


async def explained(flow: Flow, text: str) -> Screen:
    params = flow.params
    params.update(message=text[:MAX_EXPLANATION], label=f"{params['quantity']} × {params['sku']}")
    await flow.save()
    prompt = flow.tx(
        "action.items.confirm", number=flow.press.posting.posting_number,
        quantity=params["quantity"], sku=params["sku"], reason=params["reason"],
        message=params["message"], consequence=consequence(flow),
    )  # fmt: skip
    return await flow.step(prompt, [flow.confirm_row("button.confirm_cancel")])


async def send(flow: Flow) -> None:
    params = flow.params
    await flow.seller().changes.cancel_items(
        flow.press.posting.posting_number, params["sku"], params["quantity"],
        params["reason_id"], params["message"],
    )  # fmt: skip


CANCEL_ITEMS = Wizard(
    kind="cancel_items",
    starts_on=AlertVerb.CANCEL_ITEMS,
    offered_by="product_cancel",
    start=start,
    steps=(
        Step(StepVerb.PRODUCT, pick_product, accepts=_offered_product),
        Step(StepVerb.QUANTITY, pick_quantity, accepts=_offered_quantity),
        Step(StepVerb.REASON, pick_reason, accepts=_offered_reason),
    ),
    typed=explained,
    carry_out=send,
    failure="action.cancel.failed",
)
