"""`python -m bot check`: one scan, printed instead of sent — a trial and debugging tool.

It shows, for every watched posting at a stage, the alert a newly subscribed chat would get
(in UTC). It writes nothing and needs no Telegram."""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass, field

from bot.clock import utcnow
from bot.config import Settings
from bot.crypto import load_cipher
from bot.deadlines import WATCHED_STATUSES, deadline_stage, watch_window
from bot.ozon import SANDBOX_CLIENT_ID, OzonApi, OzonError
from bot.render import PostingView, render_alert
from bot.sandbox import SandboxTransport, sandbox_key
from storage import Database
from storage import stores as stores_db

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
                async for page in seller.unfulfilled(*watch_window(now, settings.alert_lead_times)):
                    for posting in page.postings:
                        if posting.status not in WATCHED_STATUSES:
                            continue
                        watched += 1
                        stage = deadline_stage(
                            posting.shipment_date, now, settings.alert_lead_times
                        )
                        if stage is None:
                            continue
                        alerted += 1
                        view = PostingView(posting)
                        print(plain(render_alert(target.name, view, stage, "UTC", now)), end="\n\n")
            except OzonError as error:
                failed += 1
                print(f"Ozon refused: {error.message}", file=sys.stderr)
                continue
            print(f"{watched} postings watched, {alerted} at an alert stage\n")
    finally:
        await ozon.aclose()
    return 1 if failed else 0


async def _targets(settings: Settings, demo: bool) -> list[_Target]:
    if demo:
        return [_Target("Sample store", SANDBOX_CLIENT_ID, sandbox_key(utcnow()))]
    if settings.ozon_client_id and settings.ozon_api_key:
        key = settings.ozon_api_key.get_secret_value()
        return [_Target(f"Store {settings.ozon_client_id}", settings.ozon_client_id, key)]
    if not settings.database_path.exists():
        return []
    cipher = load_cipher(settings)
    db = await Database.open(settings.database_path)
    try:
        stores = await stores_db.all_stores(db, active_only=True)
    finally:
        await db.close()
    return [_Target(s.name, s.client_id, cipher.open(s.id, s.api_key_encrypted)) for s in stores]
