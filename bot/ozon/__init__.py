"""Ozon Seller API client: typed models, typed errors."""

from bot.ozon.client import (
    REQUIRED_METHODS,
    SANDBOX_CLIENT_ID,
    OzonApi,
    RetryPolicy,
    SellerClient,
)
from bot.ozon.errors import (
    AccessDenied,
    BadRequest,
    InvalidApiKey,
    MissingRole,
    OzonError,
    OzonUnavailable,
    RateLimited,
    UnreadableAnswer,
)
from bot.ozon.models import Posting, PostingPage, SellerInfo

__all__ = [
    "REQUIRED_METHODS",
    "SANDBOX_CLIENT_ID",
    "AccessDenied",
    "BadRequest",
    "InvalidApiKey",
    "MissingRole",
    "OzonApi",
    "OzonError",
    "OzonUnavailable",
    "Posting",
    "PostingPage",
    "RateLimited",
    "RetryPolicy",
    "SellerClient",
    "SellerInfo",
    "UnreadableAnswer",
]
