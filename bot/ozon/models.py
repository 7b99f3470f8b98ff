"""The parts of Seller API answers the bot uses; everything else is ignored."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Protocol

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from bot.ozon.errors import UnreadableAnswer
from bot.ozon.lenient import read

log = logging.getLogger(__name__)


def _blank_to_none(value: Any) -> Any:
    return None if value in ("", "0", 0) else value


# Real moments only: Go's zero time (0001-01-01) or a year 9999 cannot even be shown in every
# time zone, and would stop the scan of the whole store.
EARLIEST, LATEST = datetime(1970, 1, 1, tzinfo=UTC), datetime(3000, 1, 1, tzinfo=UTC)
# Far above any real price; a larger amount (1E+999999) would format to megabytes of digits.
MAX_AMOUNT = Decimal(10) ** 15


def _real_moment(value: datetime) -> datetime | None:
    """Ozon speaks UTC; a time without an offset is taken as UTC, never as local time."""
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    return moment if EARLIEST <= moment < LATEST else None


def _utc(value: datetime) -> datetime:
    moment = _real_moment(value)
    if moment is None:
        raise ValueError("not a moment between 1970 and 3000")
    return moment


def _optional_utc(value: datetime | None) -> datetime | None:
    return _real_moment(value) if value is not None else None


def _sane_amount(value: Decimal | None) -> Decimal | None:
    return value if value is not None and value.is_finite() and abs(value) < MAX_AMOUNT else None


Time = Annotated[datetime, AfterValidator(_utc)]
# A missing, blank or unreal optional time is None.
OptionalTime = Annotated[
    datetime | None, BeforeValidator(_blank_to_none), AfterValidator(_optional_utc)
]

# Handed over and not yet with the buyer: an rFBS posting is still judged on the delivery window
# promised to the buyer (bot/watch/delivery.py).
IN_DELIVERY_STATUSES = ("driver_pickup", "delivering", "sent_by_seller")
# Cyrillic letters that look like Latin ones, as they turn up in Ozon's own spellings.
LATIN_LOOKALIKES = str.maketrans("СсАаЕеОоРрКкМмТтХхВН", "CcAaEeOoPpKkMmTtXxBH")


# Who a party of Ozon's is, by the words Ozon uses for it (an initiator, a chat user's type).
PARTIES = {
    "seller": "seller",
    "buyer": "buyer",
    "client": "buyer",
    "customer": "buyer",
    "ozon": "ozon",
    "system": "ozon",
    "delivery": "delivery",
}


def party_of(word: str) -> str:
    """'seller', 'buyer', 'ozon', 'delivery' or 'unknown'. Ozon's documentation spells the
    buyer «Сustomer» with a Cyrillic С: look-alike letters are read as the Latin ones."""
    return PARTIES.get(word.translate(LATIN_LOOKALIKES).casefold().strip(), "unknown")


class OzonModel(BaseModel):
    """Ozon's nulls are dropped while the answer is decoded (bot/ozon/transport.py), so a field
    Ozon leaves null takes its default."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Money(OzonModel):
    amount: Annotated[Decimal | None, AfterValidator(_sane_amount)] = None
    currency: str = ""

    @model_validator(mode="before")
    @classmethod
    def _scalar(cls, value: Any) -> Any:
        # Some answers give a bare amount instead of {amount, currency}.
        return {"amount": value} if isinstance(value, str | int | float) else value


class Product(OzonModel):
    sku: int | None = None
    offer_id: str = ""
    name: str = ""
    quantity: int = 1
    price: Money | None = None


class DeliveryMethod(OzonModel):
    id: int | None = None
    name: str = ""
    warehouse_id: int | None = None
    warehouse: str = ""


class Cancellation(OzonModel):
    cancel_reason_id: int | None = None
    cancel_reason: str = ""
    cancellation_type: str = ""
    cancellation_initiator: str = ""
    affect_cancellation_rating: bool | None = None
    cancelled_after_ship: bool = False


class Tariffication(OzonModel):
    current_tariff_rate: float | None = None
    current_tariff_type: str = ""
    next_tariff_rate: float | None = None
    next_tariff_type: str = ""
    next_tariff_starts_at: OptionalTime = None
    next_tariff_charge: Money | None = None

    @model_validator(mode="before")
    @classmethod
    def _flatten(cls, value: Any) -> Any:
        # The spec documents flat fields, its example nests them as current{}/next{}.
        if not isinstance(value, dict) or not ({"current", "next"} & value.keys()):
            return value
        flat = dict(value)
        for side in ("current", "next"):
            nested = flat.pop(side, None)
            for key, item in (nested if isinstance(nested, dict) else {}).items():
                name = (
                    key if key.startswith(side) else f"{side}_tariff_{key.removeprefix('tariff_')}"
                )
                flat.setdefault(name, item)
        return flat


class AnalyticsData(OzonModel):
    """Asked for with `with.analytics_data`: the delivery window promised to the buyer."""

    delivery_date_begin: OptionalTime = None
    delivery_date_end: OptionalTime = None


UnitIds = list[int | str]  # SKUs: int64, sent as strings or numbers


class Requirements(OzonModel):
    """Products for which Ozon wants more before packing (customs declaration, country,
    marking codes, jewellery UIN, batch number, IMEI, weight): given per unit, in Seller Center
    or /v6/fbs/posting/product/exemplar/set."""

    products_requiring_gtd: UnitIds = Field(default_factory=list)
    products_requiring_country: UnitIds = Field(default_factory=list)
    products_requiring_change_country: UnitIds = Field(default_factory=list)
    products_requiring_mandatory_mark: UnitIds = Field(default_factory=list)
    products_requiring_jw_uin: UnitIds = Field(default_factory=list)
    products_requiring_rnpt: UnitIds = Field(default_factory=list)
    products_requiring_imei: UnitIds = Field(default_factory=list)
    products_requiring_weight: UnitIds = Field(default_factory=list)

    @property
    def any(self) -> bool:
        return any(getattr(self, name) for name in type(self).model_fields)


class Posting(OzonModel):
    posting_number: str
    order_number: str = ""
    status: str
    substatus: str = ""
    shipment_date: Time
    shipment_date_without_delay: OptionalTime = None
    in_process_at: OptionalTime = None
    products: list[Product] = Field(default_factory=list)
    delivery_method: DeliveryMethod | None = None
    tpl_integration_type: str = ""
    is_express: bool = False
    available_actions: list[str] = Field(default_factory=list)
    cancellation: Cancellation | None = None
    tariffication: Tariffication | None = None
    analytics_data: AnalyticsData | None = None
    parent_posting_number: str = ""  # set on each posting a split made
    is_multibox: bool = False
    multi_box_qty: int = 0
    tracking_number: str = ""
    requirements: Requirements | None = None

    def is_rfbs(self, rfbs_warehouse: bool = False) -> bool:
        """Delivered other than by Ozon: by the posting's own delivery type, or, naming none,
        by its warehouse's (`is_rfbs` of /v2/warehouse/list)."""
        kind = self.tpl_integration_type
        return kind not in ("", "ozon") or (not kind and rfbs_warehouse)

    @property
    def promise_end(self) -> datetime | None:
        """The end of the delivery window promised to the buyer, when Ozon sent it."""
        return self.analytics_data.delivery_date_end if self.analytics_data else None

    @property
    def needs_unit_data(self) -> bool:
        """Ozon wants per-unit data (marking codes, declarations…) before packing."""
        return self.requirements is not None and self.requirements.any

    @property
    def warehouse(self) -> str:
        return self.delivery_method.warehouse if self.delivery_method else ""


class KnownPage(Protocol):
    """A page of postings a caller saw before: enough to go on to the next without reading it."""

    @property
    def digest(self) -> bytes: ...
    @property
    def cursor(self) -> str: ...
    @property
    def has_next(self) -> bool: ...


@dataclass(eq=False)
class PostingPage:
    """One page of postings as Ozon sent it, parsed on first use. A page `repeated` byte for
    byte from one the caller knows is not even decoded: its postings are the caller's."""

    raw: list[Any]  # the decoded postings
    cursor: str = ""  # of the next page
    has_next: bool = False
    digest: bytes = b""  # of Ozon's answer, byte for byte
    after: str = ""  # the cursor this page was asked for with ("" for the first)
    client_id: str = ""  # whose page, for the log
    repeated: bool = False
    _parsed: tuple[list[Posting], int] | None = field(default=None, repr=False)

    @property
    def postings(self) -> list[Posting]:
        return self._parse()[0]

    @property
    def skipped(self) -> int:
        """Postings on the page that could not be parsed (each one logged)."""
        return self._parse()[1]

    def _parse(self) -> tuple[list[Posting], int]:
        if self.repeated:
            raise RuntimeError("a repeated page was not decoded: its postings are the caller's")
        if self._parsed is None:
            postings, skipped = [], 0
            for raw in self.raw:
                number = raw.get("posting_number") if isinstance(raw, dict) else None
                try:
                    postings.append(read(Posting, raw, f"store {self.client_id} posting {number}"))
                except UnreadableAnswer:
                    skipped += 1
                    log.warning("store %s: skipped posting %s with unreadable fields",
                                self.client_id, number)  # fmt: skip
            self._parsed = postings, skipped
        return self._parsed


class Role(OzonModel):
    name: str = ""
    methods: list[str] = Field(default_factory=list)


def _grants(allowed: str, method: str) -> bool:
    return method == allowed or method.startswith(allowed + "/")


class KeyRoles(OzonModel):
    expires_at: OptionalTime = None
    roles: list[Role] = Field(default_factory=list)

    def missing_methods(self, needed: tuple[str, ...]) -> list[str]:
        """The needed methods no role of the key grants. Ozon lists a role's methods by path
        or by prefix (`/v1/posting` grants `/v1/posting/...`), so both count."""
        allowed = [method.rstrip("/") for role in self.roles for method in role.methods]
        return [method for method in needed if not any(_grants(a, method) for a in allowed)]


class Company(OzonModel):
    name: str = ""
    legal_name: str = ""


class Subscription(OzonModel):
    is_premium: bool = False
    type: str = ""


class SellerInfo(OzonModel):
    company: Company = Field(default_factory=Company)
    subscription: Subscription = Field(default_factory=Subscription)

    @property
    def display_name(self) -> str:
        return self.company.name or self.company.legal_name


class CancelReason(OzonModel):
    id: int
    title: str = ""
    type_id: str = ""


class PostingCancelReasons(OzonModel):
    posting_number: str = ""
    reasons: list[CancelReason] = Field(default_factory=list)


class CancelReasons(OzonModel):
    result: list[PostingCancelReasons] = Field(default_factory=list)


class ChatUser(OzonModel):
    id: str = ""
    type: str = ""


class ChatMessage(OzonModel):
    message_id: int
    user: ChatUser = Field(default_factory=ChatUser)
    created_at: OptionalTime = None
    data: list[str] = Field(default_factory=list)

    @property
    def from_buyer(self) -> bool:
        return party_of(self.user.type) == "buyer"


class ChatHistory(OzonModel):
    messages: list[ChatMessage] = Field(default_factory=list)
    has_next: bool = False


class Interval(OzonModel):
    begin: Time
    end: Time


class TimeslotRestrictions(OzonModel):
    delivery_interval: Interval | None = None
    remaining_changes_count: int = 0


class ErrorIndex(OzonModel):
    """The FBS error index (/v1/rating/index/fbs/info): a share, 0.012 is 1.2 %."""

    index: float | None = None
    period_from: str = ""
    period_to: str = ""


WEEKDAYS = {"MONDAY": 1, "TUESDAY": 2, "WEDNESDAY": 3, "THURSDAY": 4, "FRIDAY": 5,
            "SATURDAY": 6, "SUNDAY": 7}  # fmt: skip


class WarehouseAddress(OzonModel):
    utc: str = ""  # the warehouse's time zone


class Warehouse(OzonModel):
    warehouse_id: int
    name: str = ""
    working_days: list[str] = Field(default_factory=list)  # "MONDAY" … "SUNDAY"
    address_info: WarehouseAddress | None = None
    is_rfbs: bool = False

    @property
    def iso_working_days(self) -> frozenset[int]:
        return frozenset(WEEKDAYS[day] for day in self.working_days if day in WEEKDAYS)


class WarehousePage(OzonModel):
    warehouses: list[Warehouse] = Field(default_factory=list)
    cursor: str = ""
    has_next: bool = False


class WarehouseStock(OzonModel):
    """FBS stock of one product at one warehouse (/v2/product/info/stocks-by-warehouse/fbs).
    `present` counts everything on the shelf Ozon knows of, the units `reserved` for postings
    already ordered included; `free_stock` is what is left for new orders."""

    sku: int
    offer_id: str = ""
    present: int = 0
    reserved: int = 0
    free_stock: int | None = None  # None: Ozon did not say, which is not "none free"
    warehouse_id: int
    warehouse_name: str = ""


class WarehouseStocks(OzonModel):
    products: list[WarehouseStock] = Field(default_factory=list)
    cursor: str = ""
    has_next: bool = False
