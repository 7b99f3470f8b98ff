"""Hypothesis settings and strategies shared by the property tests: hostile text as users type
it, and junk JSON shaped like Seller API answers."""

from __future__ import annotations

import typing
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from bot.ozon.models import (
    CancelReasons,
    ChatHistory,
    KeyRoles,
    OzonModel,
    Posting,
    SellerInfo,
    TimeslotRestrictions,
)

MODEST = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEWER = settings(MODEST, max_examples=75)  # each example runs the HTTP client, once or twice

# ----- Seller API answers -----

MODELS: list[type[OzonModel]] = []


def _collect(model: type[BaseModel]) -> None:
    if issubclass(model, OzonModel) and model not in MODELS:
        MODELS.append(model)
        for info in model.model_fields.values():
            for nested in _nested_models(info.annotation):
                _collect(nested)


def _nested_models(annotation: Any) -> list[type[OzonModel]]:
    if isinstance(annotation, type) and issubclass(annotation, OzonModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _nested_models(arg)]


for _root in (Posting, KeyRoles, SellerInfo, CancelReasons, ChatHistory, TimeslotRestrictions):
    _collect(_root)
FIELD_NAMES = sorted(
    {name for model in MODELS for name in model.model_fields}
    | {"result", "current", "next", "chat_id", "tariff_rate", "tariff_type", "starts_at"}
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and infinities too: Python's json reads them
    | st.text(max_size=20)
    | st.sampled_from(["", "0", "2026-11-26T12:00:00Z", "0001-01-01T00:00:00Z", "1E+999999"])
)
json_keys = st.sampled_from(FIELD_NAMES) | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(json_keys, inner, max_size=6),
    max_leaves=25,
)


def shaped(model: type[OzonModel], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the model's own field names, each holding junk or a shaped object."""
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        value: st.SearchStrategy[Any] = json_values
        for nested in _nested_models(info.annotation) if depth < 2 else []:
            inner = shaped(nested, depth + 1)
            value = value | inner | st.lists(inner, max_size=3)
        fields[name] = value
    if model.__name__ == "Tariffication":  # the nested form Ozon's example shows
        side = st.dictionaries(st.sampled_from([*FIELD_NAMES, "tariff_rate", "rate"]), json_values)
        fields |= {"current": json_values | side, "next": json_values | side}
    return st.fixed_dictionaries({}, optional=fields)


# ----- What users type -----

HOSTILE = [
    "", " ", "\x00", "a\x00b", "10:00\x00-11:00", "\u202e", "\u202e10:00-08:00", "\u200d",
    "23:00\u200d-08:00", "\u200b15", "\ufeff", "👨\u200d👩\u200d👧", "🕐-🕑",
    "'; DROP TABLE stores;--",
    "<b>&amp;</script>", "<script>alert(1)</script>", "&lt;", "&#60;", "&", "<", ">", '"',
    "\\", "%s%n", "{}", "{0}", "{reason}", "\r\n", "\t", "٣", "١٥", "²", "①", "𝟙𝟚",
    "１２:００-０８:００", "２４ｈ", "12:00 - 08:00", "23:00–08:00", "off", "OFF", "None", "-",
    "--", "0", "-1", "+5", "1e3", "0x10", "1_000", "15.0", "99999999999999999999", "24h",
    "24h,4h,1h", "90m", "0h", "7d", "8d", "168h", "10081m", "@alice", "@alice @bob", "@al",
    "cancel owner", "cancel  owner", "cancel owner extra", "Europe/Moscow", "Europe",
    "America/Argentina", "../../etc/passwd", "/etc/passwd", "UTC\x00", "Etc", "posixrules",
    "1" * 10_000, "a" * 10_000, "<" * 10_000, "@" + "a" * 9_999, "24h," * 2_500,
    "9" * 5_000 + "h", "\u202e" * 10_000, "1 " * 5_000, "٣" * 10_000, "&amp;" * 2_000,
]  # fmt: skip
VALIDISH = ["23:00-08:00", "24h,4h,1h", "15", "@alice", "cancel owner", "Europe/Moscow"]
hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(HOSTILE),
    st.builds(
        lambda a, b, c: a + b + c,
        st.sampled_from(HOSTILE + VALIDISH),
        st.text(max_size=5),
        st.sampled_from(HOSTILE + VALIDISH),
    ),
    st.builds(
        lambda piece, times: piece * times,
        st.sampled_from(["1", "<", "\u202e", "@a", "9,", "&", "🎉", "\u200d", "1h,", " "]),
        st.integers(1, 10_000),
    ),
)
