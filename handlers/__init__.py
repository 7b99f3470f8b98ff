"""aiogram routers, one module per conversation, in the order they must be tried."""

from aiogram import Router

from handlers import (
    actions,
    advice,
    connect,
    digest,
    errors,
    fallback,
    groups,
    history,
    language,
    settings,
    start,
    stats,
    status,
    stores,
    timezone,
)


def routers() -> list[Router]:
    return [
        errors.router,
        groups.router,
        # Presses on alerts come in bursts and wait for their answer: tried early, each skips
        # the filters of the routers below. Its only message handler takes typed text in its
        # own state, which no router below handles.
        actions.router,
        start.router,
        connect.router,
        stores.router,
        status.router,
        timezone.router,
        language.router,
        history.router,
        digest.router,
        advice.router,
        stats.router,
        settings.router,
        fallback.router,
    ]
