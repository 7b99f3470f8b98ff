"""Every Seller API model, fed answers whose fields the bot does not need hold anything at all:
the fields it uses read the same, and a field it can do without never breaks the answer."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ozon import UnreadableAnswer
from bot.ozon.lenient import read
from bot.ozon.models import (
    CancelReasons,
    ChatHistory,
    ErrorIndex,
    KeyRoles,
    OzonModel,
    Posting,
    SellerInfo,
    TimeslotRestrictions,
    WarehousePage,
    WarehouseStocks,
)

pytestmark = pytest.mark.unit

# A minimal answer each model reads, with every nested object present once.
SAMPLES: dict[type[OzonModel], dict[str, Any]] = {
    Posting: {
        "posting_number": "1-1-1", "status": "awaiting_packaging",
        "shipment_date": "2026-12-01T10:00:00Z", "substatus": "", "is_express": False,
        "products": [{"sku": 1, "offer_id": "A", "name": "Lamp", "quantity": 1,
                      "price": {"amount": "10.00", "currency": "RUB"}}],
        "delivery_method": {"id": 1, "name": "Pick-up", "warehouse_id": 2, "warehouse": "Main"},
        "cancellation": {"cancel_reason_id": 352, "cancel_reason": "x"},
        "available_actions": ["cancel"],
    },
    CancelReasons: {"result": [{"posting_number": "1", "reasons": [{"id": 352, "title": "x",
                                                                     "type_id": "seller"}]}]},
    ChatHistory: {"messages": [{"message_id": 1, "user": {"id": "1", "type": "Customer"},
                                "data": ["hi"]}], "has_next": False},
    KeyRoles: {"expires_at": "2027-01-01T00:00:00Z", "roles": [{"name": "r", "methods": ["/v1"]}]},
    SellerInfo: {"company": {"name": "Shop", "legal_name": "LLC"},
                 "subscription": {"is_premium": True, "type": "PREMIUM_PLUS"}},
    WarehousePage: {"warehouses": [{"warehouse_id": 1, "name": "Main", "working_days": ["MONDAY"],
                                    "address_info": {"utc": "+03:00"}}], "has_next": False},
    WarehouseStocks: {"result": [{"sku": 1, "warehouse_id": 2, "present": 3, "reserved": 1}]},
    TimeslotRestrictions: {"delivery_interval": {"begin": "2026-12-01T10:00:00Z",
                                                 "end": "2026-12-02T10:00:00Z"},
                           "remaining_changes_count": 2},
    ErrorIndex: {"index": 0.01, "period_from": "2026-11-01", "period_to": "2026-11-14"},
}  # fmt: skip

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3),
    max_leaves=8,
)  # fmt: skip


def _models(base: type[OzonModel]) -> list[type[OzonModel]]:
    return [base] + [m for sub in base.__subclasses__() for m in _models(sub)]


READ = {name for model in _models(OzonModel) for name in model.model_fields}  # fields any reads


def objects(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The paths of every JSON object inside `value` (the root included)."""
    found = [path] if isinstance(value, dict) else []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
        value, list) else ()  # fmt: skip
    for key, item in items:
        found += objects(item, (*path, key))
    return found


def leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The paths of every field of every object inside `value`."""
    if isinstance(value, dict):
        return [
            p for key, item in value.items() for p in [(*path, key), *leaves(item, (*path, key))]
        ]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in leaves(item, (*path, index))]
    return []


def at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


@pytest.mark.parametrize("model", list(SAMPLES), ids=lambda m: m.__name__)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_fields_the_bot_does_not_read_change_nothing(model: type[OzonModel], data: Any) -> None:
    answer = copy.deepcopy(SAMPLES[model])
    expected = read(model, SAMPLES[model], "sample")
    for _ in range(data.draw(st.integers(1, 4))):
        where = data.draw(st.sampled_from(objects(answer)))
        name = data.draw(st.text(min_size=1, max_size=12).filter(lambda n: n not in READ))
        at(answer, where)[name] = data.draw(JSON)
    assert read(model, answer, "sample") == expected


@pytest.mark.parametrize("model", list(SAMPLES), ids=lambda m: m.__name__)
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_any_field_of_another_type_never_breaks_more_than_it_must(
    model: type[OzonModel], data: Any
) -> None:
    answer = copy.deepcopy(SAMPLES[model])
    path = data.draw(st.sampled_from(leaves(answer)))
    at(answer, path[:-1])[path[-1]] = data.draw(JSON)
    required = {name for name, field in model.model_fields.items() if field.is_required()}
    try:
        read(model, answer, "sample")
    except UnreadableAnswer:
        # Only a field the answer's own top level cannot do without may make it unreadable.
        assert path[0] in required
