"""Typed Seller API errors, classified by Ozon's `code` and `message`, not by HTTP status alone."""

from __future__ import annotations


class OzonError(Exception):
    """Base error; `message` is Ozon's own text (safe to show: it never contains the key)."""

    transient = False

    def __init__(self, message: str, *, status: int | None = None, code: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


class InvalidApiKey(OzonError):
    """Wrong, deactivated or malformed credentials: retrying cannot help."""


class MissingRole(OzonError):
    """The key lacks a role for the called method."""


class AccessDenied(OzonError):
    """IP restriction, unsigned offer and other account-level refusals."""


class BadRequest(OzonError):
    """Ozon rejected the request itself (including 'not found')."""


class MethodGone(OzonError):
    """Ozon has switched the called method off (a 404 for the method itself, or an answer that
    names its deprecation): nothing works through it again until the bot moves on."""

    def __init__(self, message: str, *, path: str, **kwargs: int | None):
        super().__init__(message, **kwargs)
        self.path = path


class NotDone(OzonError):
    """Ozon answered a change with `result: false`: it took the request and changed nothing."""


class Unconfirmed(Exception):
    """Ozon answered a change without saying whether it was made (no `result`): it may have
    been. Not an OzonError: the action is left 'unknown', never 'done' or 'failed'."""


class UnreadableAnswer(OzonError):
    """Ozon answered, but not in a shape the bot can read even leaving out what it does not
    need (bot/ozon/lenient.py): worth telling as such, not worth retrying at once."""


class RateLimited(OzonError):
    transient = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: int | None):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class OzonUnavailable(OzonError):
    """5xx, timeouts, malformed answers and 'Circle is open': worth retrying later."""

    transient = True


# How a switched-off method is answered has not been seen from the live API (the v1 stock
# method was switched off before a capture): a message naming deprecation in either
# language, or a 404 that names no posting, product or chat (Ozon's "not found" for those
# names them; a wrong key is a 404 too, told apart by its message first).
GONE_WORDS = ("deprecat", "switched off", "no longer supported", "отключ", "устарел")
NAMED_THINGS = ("posting", "product", "chat", "warehouse", "отправлен", "товар", "чат", "склад")


def classify(
    status: int, code: int | None, message: str, retry_after: float | None, path: str = ""
) -> OzonError:
    text = message.lower()
    kwargs = {"status": status, "code": code}
    if "api-key" in text and ("invalid" in text or "deactivated" in text):
        return InvalidApiKey(message, **kwargs)
    if "client-id" in text:
        return InvalidApiKey(message, **kwargs)
    if any(word in text for word in GONE_WORDS) or (
        status == 404 and not any(thing in text for thing in NAMED_THINGS)
    ):
        return MethodGone(message, path=path, **kwargs)
    if "missing a required role" in text:
        return MissingRole(message, **kwargs)
    if status == 429 or code == 8 or "rate limit" in text:
        return RateLimited(message, retry_after=retry_after, **kwargs)
    if status >= 500 or "circle is open" in text:
        return OzonUnavailable(message, **kwargs)
    if status in (401, 403):
        return AccessDenied(message, **kwargs)
    return BadRequest(message, **kwargs)
