"""Cancelling a posting: Ozon's reasons for it, an explanation typed for reason 402 ("other"),
on the confirmation what it means for the error index (from the reason's own `type_id`) and
the price at stake, then `/v2/posting/fbs/cancel`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.actions.flow import Flow, Screen, Step, Wizard
from bot.i18n.texts import Markup, Texts
from bot.ozon import OzonError, Posting
from bot.ozon.models import CancelReason, party_of
from bot.views.buttons import AlertVerb, StepVerb

OTHER_REASON = 402  # Ozon's "other": a written explanation is required
MAX_EXPLANATION = 500


async def offered_reasons(flow: Flow) -> list[CancelReason] | Screen:
    """The reasons Ozon accepts for cancelling this posting now, or the screen saying why
    there are none."""
    number = flow.press.posting.posting_number
    try:
        reasons = await flow.seller().cancel_reasons(number)
    except OzonError as error:
        return await flow.with_error(error, "action.cancel.failed")
    if not reasons:
        return await flow.step(flow.tx("action.cancel.no_reasons", number=number), [])
    return reasons


async def start(flow: Flow) -> Screen:
    reasons = await offered_reasons(flow)
    if isinstance(reasons, Screen):
        return reasons
    titles = {str(r.id): r.title for r in reasons}
    await flow.create(
        "cancel", {"reasons": titles, "initiators": {str(r.id): r.type_id for r in reasons}}
    )
    rows = [[flow.button(r.title[:60], StepVerb.REASON, str(r.id))] for r in reasons]
    number = flow.press.posting.posting_number
    return await flow.step(flow.tx("action.cancel.reasons", number=number), rows)


def _offered_reason(params: dict[str, Any], arg: str) -> bool:
    return arg in params.get("reasons", {})


async def pick_reason(flow: Flow, arg: str) -> Screen:
    flow.params.update(reason_id=int(arg), reason=flow.params["reasons"][arg])
    await flow.save()
    if int(arg) == OTHER_REASON:
        return await flow.await_text(flow.tx("action.cancel.explain", reason=flow.params["reason"]))
    return await confirmation(flow)


async def explained(flow: Flow, text: str) -> Screen:
    flow.params["message"] = text[:MAX_EXPLANATION]
    await flow.save()
    return await confirmation(flow)


async def confirmation(flow: Flow) -> Screen:
    params = flow.params
    explanation = params.get("message")
    prompt = flow.tx(
        "action.cancel.confirm",
        number=flow.press.posting.posting_number,
        reason=params.get("reason", ""),
        message=flow.tx("action.cancel.message", message=explanation) if explanation else Markup(),
        price=price_at_stake(flow.tx, flow.press.posting),
        consequence=consequence(flow),
    )
    return await flow.step(prompt, [flow.confirm_row("button.confirm_cancel")])


async def send(flow: Flow) -> None:
    params = flow.params
    await flow.seller().changes.cancel(
        flow.press.posting.posting_number, params["reason_id"], params.get("message", "")
    )


def consequence(flow: Flow) -> Markup:
    """The chosen reason's consequence, as the confirmation of a cancellation states it."""
    params = flow.params
    initiator = params.get("initiators", {}).get(str(params.get("reason_id")), "")
    return flow.tx(consequence_of(initiator))


def consequence_of(initiator: str) -> str:
    """What the cancellation means for the error index, from whose reason Ozon says it is
    (`type_id`), not "counts against you" for every reason."""
    party = party_of(initiator)
    return f"action.cancel.counts.{party if party in ('seller', 'buyer') else 'other'}"


def price_at_stake(tx: Texts, posting: Posting) -> Markup:
    total = Decimal(0)
    currency = ""
    for product in posting.products:
        if product.price and product.price.amount is not None:
            total += product.price.amount * product.quantity
            currency = product.price.currency or currency
    if not total:
        return Markup()
    return tx("action.cancel.price", amount=f"{total:,.2f} {currency}".strip())


CANCEL = Wizard(
    kind="cancel",
    starts_on=AlertVerb.CANCEL,
    offered_by="cancel",
    start=start,
    steps=(Step(StepVerb.REASON, pick_reason, accepts=_offered_reason),),
    typed=explained,
    carry_out=send,
    failure="action.cancel.failed",
)
