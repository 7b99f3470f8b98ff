"""An alert message as it should look now: rendered from the database, so the scanner's edits
and the actions' edits always agree (what became of the posting, what was done about it)."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime

from aiogram.types import InlineKeyboardMarkup

from bot.core.deadlines import IN_DELIVERY, warehouse_warn_at
from bot.core.kinds import MessageKind
from bot.i18n.texts import Texts, texts_for
from bot.ozon.models import Posting
from bot.views.keyboards import alert_keyboard, group_keyboard, promise_keyboard
from bot.views.render import (
    NOTED_ACTIONS,
    PostingView,
    action_note,
    render_alert,
    render_group,
    render_promise,
    render_stock,
    render_summary,
    team_notes,
)
from storage import Database
from storage import actions as actions_db
from storage import alerts as alerts_db
from storage import chats as chats_db
from storage import claims as claims_db
from storage import stock as stock_db
from storage import warehouses as warehouses_db
from storage.actions import Action
from storage.alerts import AlertedPosting, AlertMessage
from storage.warehouses import WarehouseDays

POSTINGS_CACHED = 1024


class AlertRenderer:
    def __init__(self, db: Database):
        self._db = db

    async def views(self, message: AlertMessage) -> list[PostingView]:
        return views_of(await alerts_db.postings_in_message(self._db, message.id))

    async def timezone(self, chat_id: int) -> str:
        settings = await chats_db.chat_settings(self._db, chat_id)
        return settings.timezone if settings else "UTC"

    async def render(
        self,
        message: AlertMessage,
        store_name: str,
        now: datetime,
        warehouses: Mapping[int, WarehouseDays] | None = None,
    ) -> tuple[str, InlineKeyboardMarkup]:
        """The message in its chat's language and time zone. `warehouses`: the store's, when
        the caller has them already (a scan); else they are read."""
        settings = await chats_db.chat_settings(self._db, message.chat_id)
        tx = texts_for(settings.language if settings else None)
        timezone = settings.timezone if settings else "UTC"
        return await self._render(tx, message, store_name, now, timezone, warehouses)

    async def _render(
        self,
        tx: Texts,
        message: AlertMessage,
        store_name: str,
        now: datetime,
        timezone: str,
        warehouses: Mapping[int, WarehouseDays] | None,
    ) -> tuple[str, InlineKeyboardMarkup]:
        views = await self.views(message)
        figures = None
        if message.kind == MessageKind.STOCK:
            figures = await stock_db.figures_of(self._db, message.id)
        if figures is not None:
            text = render_stock(tx, store_name, figures, views, timezone)
            return text, group_keyboard(tx, views, message.token)
        if message.kind in (MessageKind.SUMMARY, MessageKind.STOCK) or message.stage is None:
            # a stock message's figures are saved with it, so the summary is only a fallback
            text = render_summary(tx, store_name, views, timezone, now)
            return text, group_keyboard(tx, views, message.token)
        if message.kind == MessageKind.GROUP:
            text = render_group(tx, store_name, views, message.stage, timezone)
            return text, group_keyboard(tx, views, message.token)
        view = views[0]
        done = await actions_db.done_actions(
            self._db, message.store_id, [view.posting.posting_number]
        )
        notes = [
            action_note(tx, action, timezone) for action in done if action.kind in NOTED_ACTIONS
        ]
        claim = await claims_db.claim_of(
            self._db, message.chat_id, message.store_id, view.posting.posting_number
        )
        notes += team_notes(tx, claim, timezone, now)
        if message.kind == MessageKind.PROMISE:
            text = render_promise(tx, store_name, view, message.stage, timezone, notes)
            on_its_way = view.outcome == IN_DELIVERY and not _cancelled(done)
            return text, promise_keyboard(tx, view.posting, message.token if on_its_way else None)
        method = view.posting.delivery_method
        if warehouses is None:
            warehouses = await warehouses_db.warehouses_of(self._db, message.store_id)
        warehouse = warehouses.get(method.warehouse_id or 0) if method else None
        warn_at = warehouse_warn_at(view.posting.shipment_date, warehouse)
        closes_at = warn_at if warn_at < view.posting.shipment_date else None
        text = render_alert(
            tx, store_name, view, message.stage, timezone, now, notes=notes, closes_at=closes_at,
            rfbs_warehouse=warehouse is not None and warehouse.is_rfbs,
        )  # fmt: skip
        actionable = view.outcome is None and not _cancelled(done)
        keyboard = alert_keyboard(
            tx,
            view.posting,
            message.token if actionable else None,
            now,
            team=message.chat_id < 0,  # group chats have negative ids
            claimed=bool(claim and claim.claimed_by),
        )
        return text, keyboard


def _cancelled(done: list[Action]) -> bool:
    return any(action.kind == "cancel" for action in done)


def views_of(postings: Sequence[AlertedPosting]) -> list[PostingView]:
    """The postings of a message as the renderer shows them."""
    return [
        PostingView(stored_posting(item.data), item.outcome, item.alerted_shipment_date)
        for item in postings
    ]


@functools.lru_cache(maxsize=POSTINGS_CACHED)
def stored_posting(data: str) -> Posting:
    """A stored posting, parsed once: a scan renders the postings it has just stored, and a
    posting's data only changes when Ozon's answer does (models are frozen, so sharing is safe)."""
    return Posting.model_validate_json(data)
