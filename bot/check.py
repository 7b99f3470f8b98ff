"""`python -m bot check`: one scan, printed instead of sent — a trial and debugging tool.

It shows, for every watched posting at a stage, the alert a newly subscribed chat would get
(in English and UTC), staged as the watch stages it (bot/core/deadlines.py `stage_now`, working
days included). It opens the database read-only, writes nothing and needs no Telegram."""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass, field

from bot.clock import utcnow
from bot.config import Settings
from bot.core.deadlines import WATCHED_STATUSES, stage_now, warehouse_warn_at, watch_window
from bot.core.leads import Leads
from bot.i18n.catalogs import DEFAULT_LANGUAGE
from bot.i18n.texts import texts_for
from bot.ozon import SANDBOX_CLIENT_ID, OzonApi, OzonError, SellerClient
from bot.ozon.sandbox import SandboxTransport, sandbox_key
from bot.security.crypto import load_cipher
from bot.views.render import PostingView, render_alert
from bot.watch.warehouses import working_week
from storage import Database
from storage import stores as stores_db
from storage.warehouses import WarehouseDays

_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class _Target:
    name: str
    client_id: str
    api_key: str = field(repr=False)


def plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


async def run_check(settings: Settings, *, demo: bool) -> int:
    now = utcnow()
    tx = texts_for(DEFAULT_LANGUAGE)
    targets = await _targets(settings, demo)
    if not targets:
        print(
            "No stores to check: connect one in the bot, set OZON_CLIENT_ID and OZON_API_KEY, "
            "or run `python -m bot check --demo`.",
            file=sys.stderr,
        )
        return 1
    ozon = OzonApi(settings.ozon_api_url, demo_transport=SandboxTransport())
    failed = 0
    try:
        for target in targets:
            seller = ozon.seller(target.client_id, target.api_key)
            watched = alerted = 0
            print(f"== {target.name} (Client-Id {target.client_id})")
            try:
                warehouses = await _warehouses(seller)
                async for page in seller.unfulfilled(*watch_window(now, settings.alert_lead_times)):
                    for posting in page.postings:
                        if posting.status not in WATCHED_STATUSES:
                            continue
                        watched += 1
                        method = posting.delivery_method
                        found = warehouses.get(method.warehouse_id or 0) if method else None
                        warn_at = warehouse_warn_at(posting.shipment_date, found)
                        leads = Leads(settings.alert_lead_times, settings.express_lead_times).of(
                            None, posting.is_express
                        )
                        stage = stage_now(posting.shipment_date, warn_at, now, leads)
                        if stage is None:
                            continue
                        alerted += 1
                        closes_at = warn_at if warn_at < posting.shipment_date else None
                        text = render_alert(tx, target.name, PostingView(posting), stage, "UTC",
                                            now, closes_at=closes_at)  # fmt: skip
                        print(plain(text), end="\n\n")
            except OzonError as error:
                failed += 1
                print(f"Ozon refused: {error.message}", file=sys.stderr)
                continue
            print(f"{watched} postings watched, {alerted} at an alert stage\n")
    finally:
        await ozon.aclose()
    return 1 if failed else 0


async def _warehouses(seller: SellerClient) -> dict[int, WarehouseDays]:
    """The store's warehouses and their working days, as the watch reads them; a key that may
    not read them stages by the deadlines alone, as the watch does then."""
    try:
        found = await seller.warehouses()
    except OzonError:
        return {}
    return {w.warehouse_id: working_week(w) for w in found}


async def _targets(settings: Settings, demo: bool) -> list[_Target]:
    if demo:
        return [_Target("Sample store", SANDBOX_CLIENT_ID, sandbox_key(utcnow()))]
    if settings.ozon_client_id and settings.ozon_api_key:
        key = settings.ozon_api_key.get_secret_value()
        return [_Target(f"Store {settings.ozon_client_id}", settings.ozon_client_id, key)]
    if not settings.database_target and not settings.database_path.exists():
        return []
    cipher = load_cipher(settings)
    db = await Database.connect(settings.database_target, settings.database_path, read_only=True)
    try:
        stores = await stores_db.all_stores(db, active_only=True)
    finally:
        await db.close()
    return [_Target(s.name, s.client_id, cipher.open(s.id, s.api_key_encrypted)) for s in stores]
