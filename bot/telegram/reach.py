"""At start, Telegram must answer before anything else: an unreachable Bot API server gets one
line naming it and the cause, then quiet retries with a growing wait until it answers; a token
Telegram refuses is raised to the caller (one line and exit code 2, bot/__main__.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramUnauthorizedError
from aiogram.types import User

log = logging.getLogger(__name__)

FIRST_WAIT = 1.0
LONGEST_WAIT = 60.0


async def reach_telegram(
    bot: Bot,
    url: str,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> User:
    """The bot's own user, once Telegram answers `getMe`."""
    wait = FIRST_WAIT
    told = False
    while True:
        try:
            me = await bot.get_me()
        except TelegramUnauthorizedError:
            raise
        except (TelegramNetworkError, TelegramAPIError, OSError) as error:
            cause = _cause(error, bot.token)
            if not told:
                log.warning("Telegram at %s does not answer (%s); trying again until it does",
                            url, cause)  # fmt: skip
                told = True
            else:
                log.debug("Telegram at %s still does not answer (%s)", url, cause)
            await sleep(wait)
            wait = min(LONGEST_WAIT, wait * 2)
            continue
        if told:
            log.info("Telegram at %s answers again", url)
        return me


def _cause(error: Exception, token: str) -> str:
    """The error in a few words, never with the token (aiogram may quote the request URL)."""
    text = getattr(error, "message", None) or str(error) or type(error).__name__
    return text.replace(token, "<token>").splitlines()[0][:200]
