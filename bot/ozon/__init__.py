"""Ozon Seller API client: typed models, typed errors."""

from bot.ozon.client import (
    REQUIRED_METHODS,
    SANDBOX_CLIENT_ID,
    OzonApi,
    SellerClient,
)
from bot.ozon.errors import (
    AccessDenied,
    BadRequest,
    InvalidApiKey,
    MethodGone,
    MissingRole,
    NotDone,
    OzonError,
    OzonUnavailable,
    RateLimited,
    Unconfirmed,
    UnreadableAnswer,
)
from bot.ozon.models import Posting, PostingPage, SellerInfo
from bot.ozon.transport import RetryPolicy

__all__ = [
    "REQUIRED_METHODS",
    "SANDBOX_CLIENT_ID",
    "AccessDenied",
    "BadRequest",
    "InvalidApiKey",
    "MethodGone",
    "MissingRole",
    "NotDone",
    "OzonApi",
    "OzonError",
    "OzonUnavailable",
    "Posting",
    "PostingPage",
    "RateLimited",
    "RetryPolicy",
    "SellerClient",
    "SellerInfo",
    "Unconfirmed",
    "UnreadableAnswer",
]
