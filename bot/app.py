"""Composition root of the running bot: settings → database → services → dispatcher."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler

import handlers
from bot.actions.interrupted import InterruptedActions
from bot.actions.service import ActionService
from bot.clock import utcnow
from bot.config import ConfigError, Settings, require_bot_token
from bot.i18n.catalogs import DEFAULT_LANGUAGE, LANGUAGES
from bot.i18n.texts import texts_for
from bot.ozon import OzonApi
from bot.ozon.sandbox import SandboxTransport
from bot.perf.heap import tune_garbage_collection
from bot.push.inbox import PushInbox
from bot.push.receiver import PushReceiver
from bot.push.sample import SamplePush
from bot.security.crypto import ensure_keys_readable, load_cipher
from bot.security.throttle import Throttle
from bot.services.advice import AdviceService
from bot.services.chats import ChatService
from bot.services.digest import DigestService
from bot.services.health import HealthServer
from bot.services.leadership import HEARTBEAT_SECONDS, Leadership
from bot.services.operators import OperatorService
from bot.services.push import PushAddresses
from bot.services.sellers import Sellers
from bot.services.stores import StoreService
from bot.services.wiring import Wiring
from bot.telegram.conversations import DatabaseStorage
from bot.telegram.members import MemberRoles
from bot.telegram.pacing import paced
from bot.telegram.press_gate import PressGate
from bot.telegram.reach import reach_telegram
from bot.telegram.sender import OutboxSender
from bot.telegram.webhook import serve_webhook
from bot.watch.scanner import Scanner
from bot.watch.shares import StoreShares, lease_for
from handlers.middleware import ChatSettingsMiddleware
from handlers.press_order import PressOrderMiddleware
from handlers.throttling import ThrottlingMiddleware
from storage import Database

log = logging.getLogger(__name__)

PRIVATE_COMMANDS = (
    "connect", "stores", "status", "digest", "advice", "history", "settings", "timezone",
    "language", "cancel", "help",
)  # fmt: skip
GROUP_COMMANDS = ("subscribe", "unsubscribe", "digest", "advice", "settings", "language", "help")
DIGEST_CHECK_SECONDS = 60  # digests are due at a minute of the chat's choosing
SAMPLE_PUSH_SECONDS = 5  # the sample store's order is told within seconds of coming in
SHUTDOWN_GRACE_SECONDS = 10


def build_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(
        require_bot_token(settings),
        session=session,
        default=DefaultBotProperties(
            parse_mode=ParseMode.HTML, link_preview=LinkPreviewOptions(is_disabled=True)
        ),
    )


@dataclass
class Parts:
    """The running bot's parts, wired; `run` starts them, a test may feed updates to them."""

    settings: Settings
    bot: Bot
    db: Database
    ozon: OzonApi
    wiring: Wiring
    sender: OutboxSender
    scanner: Scanner
    digests: DigestService
    dispatcher: Dispatcher
    leadership: Leadership
    shares: StoreShares | None = None

    async def close(self) -> None:
        await self.ozon.aclose()
        await self.db.close()
        await self.bot.session.close()


async def assemble(settings: Settings) -> Parts:
    """Opens the database and wires every service, middleware and router."""
    bot = build_bot(settings)
    cipher = load_cipher(settings)
    db = await Database.connect(settings.database_target, settings.database_path)
    try:
        await ensure_keys_readable(db, cipher)
    except ConfigError:
        await db.close()
        await bot.session.close()
        raise
    ozon = OzonApi(settings.ozon_api_url, demo_transport=SandboxTransport())
    pacer = paced(bot, settings.telegram_global_rate, group_limit=settings.telegram_group_rate)
    leadership = Leadership(db if db.engine == "postgresql" else None, settings.replica_id)
    sender = OutboxSender(db, bot, pacer=pacer, active=lambda: leadership.leading)
    sellers = Sellers(ozon, cipher)
    # Replicas on one PostgreSQL database share the stores; SQLite has one process.
    shares = (
        StoreShares(db, settings.replica_id, lease_for(settings.check_interval_seconds))
        if db.engine == "postgresql"
        else None
    )
    scanner = Scanner(db, sellers, settings.alert_lead_times, on_outbox=sender.wake,
                      operator_ids=settings.bot_admin_ids,
                      express_lead_times=settings.express_lead_times, shares=shares,
                      push_interval=_push_interval(settings))  # fmt: skip
    wiring = Wiring(db, sellers, on_outbox=sender.wake)
    digests = DigestService(wiring)
    roles = MemberRoles(bot)
    operators = OperatorService(db, settings.bot_admin_ids, on_outbox=sender.wake,
                                replica_id=settings.replica_id)  # fmt: skip
    stores = StoreService(
        db, ozon, cipher, request_scan=scanner.request_store_scan, role_of=roles.role,
        chat_role_of=roles.chat_role, report_key_guessing=operators.report_key_guessing,
    )  # fmt: skip
    dispatcher = Dispatcher(
        storage=DatabaseStorage(db),
        settings=settings,
        stores=stores,
        push=PushAddresses(db, settings.ozon_push_base_url),
        chats=ChatService(db, chat_role=roles.chat_role, role_of=roles.role),
        actions=ActionService(wiring, role_of=roles.role),
        roles=roles,
        operators=operators,
        digests=digests,
        advice=AdviceService(db),
    )
    # Throttling comes first, so a flood costs no database work.
    throttle = Throttle(settings.throttle_burst, settings.throttle_per_second, time.monotonic)
    throttling = ThrottlingMiddleware(throttle, db)
    chat_settings = ChatSettingsMiddleware(db)
    # Presses are counted from their arrival, so answers go before the work already answered.
    dispatcher.callback_query.outer_middleware(
        PressOrderMiddleware(PressGate(), handlers.actions.ALERT_PRESSES)
    )
    for observer in (dispatcher.message, dispatcher.callback_query):
        observer.outer_middleware(throttling)
        observer.outer_middleware(chat_settings)
    dispatcher.include_routers(*handlers.routers())
    return Parts(
        settings, bot, db, ozon, wiring, sender, scanner, digests, dispatcher, leadership, shares
    )


async def run(settings: Settings) -> None:
    parts = await assemble(settings)
    bot, db, sender, scanner, dispatcher = (
        parts.bot, parts.db, parts.sender, parts.scanner, parts.dispatcher,
    )  # fmt: skip
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        scanner.scan_all,
        "interval",
        seconds=settings.check_interval_seconds,
        max_instances=1,
        coalesce=True,
        next_run_time=utcnow(),
        misfire_grace_time=settings.check_interval_seconds,
    )

    async def send_digests() -> None:
        if leadership.leading:  # once per due moment, whichever replica leads
            await parts.digests.send_due()

    scheduler.add_job(
        send_digests, "interval", seconds=DIGEST_CHECK_SECONDS, max_instances=1,
        coalesce=True, next_run_time=utcnow() + timedelta(seconds=5),
    )  # fmt: skip
    leadership = parts.leadership
    scheduler.add_job(
        leadership.tick, "interval", seconds=HEARTBEAT_SECONDS, max_instances=1, coalesce=True,
    )  # fmt: skip
    health = HealthServer(db, settings.check_interval_seconds, replica_id=settings.replica_id,
                          push=settings.push_enabled)  # fmt: skip
    inbox = PushInbox(db, scanner, settings.replica_id if parts.shares else None)
    sample_push = SamplePush(db, inbox.wake)

    async def tell_sample_orders() -> None:
        if leadership.leading:  # once, whichever replica leads (the inbox's key says so too)
            await sample_push.tick()

    scheduler.add_job(
        tell_sample_orders, "interval", seconds=SAMPLE_PUSH_SECONDS, max_instances=1,
        coalesce=True,
    )  # fmt: skip
    receiver = PushReceiver(db, allowed=settings.ozon_push_allowed_networks,
                            proxies=settings.ozon_push_trusted_proxies,
                            on_notification=inbox.wake)  # fmt: skip
    inbox_task: asyncio.Task[None] | None = None
    sender_task: asyncio.Task[None] | None = None
    settling: asyncio.Task[int] | None = None
    try:
        if settings.health_port:
            await health.start(settings.health_host, settings.health_port)
        if settings.push_enabled:  # answered at once, acted on once the bot runs
            await receiver.start(settings.ozon_push_host, settings.ozon_push_port)
        inbox_task = asyncio.create_task(inbox.run())  # the sample store's notifications too
        me = await reach_telegram(bot, settings.telegram_api_url)
        log.info(
            "started as @%s; scanning every %s s", me.username, settings.check_interval_seconds
        )
        await _set_command_menus(bot)
        await leadership.tick()  # the first replica leads at once
        sender_task = asyncio.create_task(sender.run())
        # Actions a crash left with Ozon are settled in the background: Ozon may be slow.
        if leadership.leading:  # not a replica joining while the leader acts
            settling = asyncio.create_task(InterruptedActions(parts.wiring).settle())
        scheduler.start()
        tune_garbage_collection()  # start-up is done: what it built lives as long as the process
        if settings.webhook_enabled:
            await serve_webhook(dispatcher, bot, settings)
        else:
            # A webhook left from an earlier webhook run would make every getUpdates fail.
            await bot.delete_webhook(drop_pending_updates=False)
            await _poll_while_leading(dispatcher, bot, leadership)
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        sender.stop()
        if settling is not None:
            settling.cancel()
        await receiver.stop()
        inbox.stop()
        if inbox_task is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(inbox_task, SHUTDOWN_GRACE_SECONDS)
        await scanner.stop(SHUTDOWN_GRACE_SECONDS)
        if sender_task is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(sender_task, SHUTDOWN_GRACE_SECONDS)
        if parts.shares is not None:  # once nothing is sent or scanned here any more
            try:
                await parts.shares.leave()
            except Exception:  # the database is unreachable: the lease runs out instead
                log.warning("could not hand back this replica's stores; they are taken over"
                            " when its lease runs out", exc_info=True)  # fmt: skip
        await health.stop()
        await parts.close()
        log.info("stopped")


def _push_interval(settings: Settings) -> timedelta | None:
    if not settings.push_enabled:
        return None
    return timedelta(seconds=settings.push_poll_interval_seconds)


async def _poll_while_leading(dispatcher: Dispatcher, bot: Bot, leadership: Leadership) -> None:
    """Polls Telegram while this replica leads (Telegram answers a second poller 409), until
    SIGINT or SIGTERM; a replica that follows waits to lead."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    stopping = asyncio.create_task(stop.wait())
    try:
        while not stop.is_set():
            leading = asyncio.create_task(leadership.wait_leading())
            await asyncio.wait({leading, stopping}, return_when=asyncio.FIRST_COMPLETED)
            leading.cancel()
            if stop.is_set():
                return
            # chat_member updates come only when asked for: they keep the role cache current.
            polling = asyncio.create_task(dispatcher.start_polling(
                bot, handle_signals=False, close_bot_session=False,
                allowed_updates=dispatcher.resolve_used_update_types(),
            ))  # fmt: skip
            following = asyncio.create_task(leadership.wait_following())
            await asyncio.wait({polling, following, stopping}, return_when=asyncio.FIRST_COMPLETED)
            following.cancel()
            if polling.done():  # ended by itself: a refused token is raised to the caller
                await polling
                return
            with contextlib.suppress(RuntimeError):  # not started yet: cancelled instead
                await dispatcher.stop_polling()
            polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await polling
    finally:
        stopping.cancel()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


async def _set_command_menus(bot: Bot) -> None:
    """The command menus of private chats and groups, in every language (Telegram shows the
    one matching the user's app language; English for the rest)."""
    for language in LANGUAGES:
        code = None if language == DEFAULT_LANGUAGE else language
        tx = texts_for(language)
        for names, scope in (
            (PRIVATE_COMMANDS, BotCommandScopeAllPrivateChats()),
            (GROUP_COMMANDS, BotCommandScopeAllGroupChats()),
        ):
            commands = [BotCommand(command=n, description=tx.plain(f"cmd.{n}")) for n in names]
            await bot.set_my_commands(commands, scope=scope, language_code=code)
