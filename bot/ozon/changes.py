"""The changes a seller makes through the Seller API: cancelling, messaging the buyer, dates,
and the steps of a posting the seller delivers. Each is sent once (never retried after a
timeout: Ozon may have carried it out) and counts as done only when Ozon confirms it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.ozon.errors import OzonUnavailable, Unconfirmed
from bot.ozon.transport import SellerTransport, wire_time


class PostingChanges:
    """One store's changes at Ozon (`SellerClient.changes`)."""

    def __init__(self, ozon: SellerTransport):
        self._ozon = ozon

    async def cancel(self, posting_number: str, reason_id: int, message: str = "") -> None:
        body: dict[str, Any] = {"posting_number": posting_number, "cancel_reason_id": reason_id}
        if message:
            body["cancel_reason_message"] = message
        await self._ozon.confirm("/v2/posting/fbs/cancel", body)

    async def cancel_items(
        self, posting_number: str, sku: int, quantity: int, reason_id: int, message: str
    ) -> None:
        """Cancels some units of one product; the rest of the posting stays. Ozon confirms it
        by answering the posting's number."""
        body = {
            "posting_number": posting_number,
            "cancel_reason_id": reason_id,
            "cancel_reason_message": message,
            "items": [{"sku": sku, "quantity": quantity}],
        }
        data = await self._ozon.call("/v2/posting/fbs/product/cancel", body, retry=False)
        if data.get("result") != posting_number:
            raise Unconfirmed("/v2/posting/fbs/product/cancel answered without the posting")

    async def start_chat(self, posting_number: str) -> str:
        data = await self._ozon.call("/v1/chat/start", {"posting_number": posting_number})
        chat_id = str(data.get("chat_id") or "")
        if not chat_id:
            raise OzonUnavailable("Ozon did not return a chat id")
        return chat_id

    async def send_chat_message(self, chat_id: str, text: str) -> None:
        await self._ozon.call(
            "/v1/chat/send/message", {"chat_id": chat_id, "text": text}, retry=False
        )

    async def set_cutoff(self, posting_number: str, new_date: datetime) -> None:
        body = {"posting_number": posting_number, "new_cutoff_date": wire_time(new_date)}
        await self._ozon.confirm("/v1/posting/cutoff/set", body)

    async def set_timeslot(self, posting_number: str, start: datetime, end: datetime) -> None:
        body = {
            "posting_number": posting_number,
            "new_timeslot": {"from": wire_time(start), "to": wire_time(end)},
        }
        await self._ozon.confirm("/v1/posting/fbs/timeslot/set", body)

    async def set_tracking_number(self, posting_number: str, tracking_number: str) -> None:
        body = {"tracking_numbers": [{"posting_number": posting_number,
                                      "tracking_number": tracking_number}]}  # fmt: skip
        await self._ozon.confirm_each("/v2/fbs/posting/tracking-number/set", body, posting_number)

    async def mark_delivering(self, posting_number: str) -> None:
        """Asks Ozon to move a posting the seller delivers to "delivering" (applied
        asynchronously: the status itself is learnt from a later scan)."""
        body = {"posting_number": [posting_number]}
        await self._ozon.confirm_each("/v2/fbs/posting/delivering", body, posting_number)

    async def mark_last_mile(self, posting_number: str) -> None:
        body = {"posting_number": [posting_number]}
        await self._ozon.confirm_each("/v2/fbs/posting/last-mile", body, posting_number)

    async def mark_delivered(self, posting_number: str) -> None:
        body = {"posting_number": [posting_number]}
        await self._ozon.confirm_each("/v2/fbs/posting/delivered", body, posting_number)

    async def set_box_count(self, posting_number: str, boxes: int) -> None:
        body = {"posting_number": posting_number, "multi_box_qty": boxes}
        await self._ozon.confirm("/v3/posting/multiboxqty/set", body)

    async def pack_again(self, posting_number: str, products: list[tuple[int, int]]) -> None:
        """Packs a posting whose packing failed (`ship_async_retry`) again, as one package of
        (SKU, quantity). Ozon packs asynchronously: its answer, the numbers of the postings
        made, says it took the request; whether packing succeeded a later read shows."""
        body = {
            "posting_number": posting_number,
            "packages": [{"products": [{"product_id": sku, "quantity": quantity}
                                       for sku, quantity in products]}],
        }  # fmt: skip
        data = await self._ozon.call("/v4/posting/fbs/ship", body, retry=False)
        made = data.get("result")
        if not isinstance(made, list) or not made:
            raise Unconfirmed("/v4/posting/fbs/ship answered without the postings made")
