"""The Seller API as documented today, where it differs from what the bot first assumed: the
buyer spelled «Сustomer» with a Cyrillic С, `/v1/roles` granting methods by prefix, and a
cancellation reason's own initiator (`type_id`)."""

from __future__ import annotations

import pytest

from bot.actions.cancel import consequence_of
from bot.i18n.texts import texts_for
from bot.ozon.errors import BadRequest, NotDone, UnreadableAnswer
from bot.ozon.models import ChatMessage, KeyRoles
from bot.views.format import ozon_reason

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("sender", "buyer"),
    [("Customer", True), ("Сustomer", True), ("СUSTOMER", True), ("customer", True),
     ("Seller", False), ("Support", False), ("", False)],
)  # fmt: skip
def test_the_buyer_is_recognised_however_ozon_spells_it(sender: str, buyer: bool) -> None:
    message = ChatMessage.model_validate({"message_id": 1, "user": {"type": sender}})
    assert message.from_buyer is buyer


def test_a_role_granting_a_prefix_grants_the_methods_below_it() -> None:
    roles = KeyRoles.model_validate(
        {"roles": [{"name": "Postings", "methods": ["/v1/posting/", "/v4/posting/fbs/list"]}]}
    )
    needed = ("/v1/posting/cutoff/set", "/v4/posting/fbs/list", "/v4/posting/fbs/unfulfilled/list",
              "/v1/postings/other")  # fmt: skip
    assert roles.missing_methods(needed) == [
        "/v4/posting/fbs/unfulfilled/list",
        "/v1/postings/other",  # a prefix grants whole path segments only
    ]


def test_a_cancellation_states_the_consequence_of_its_own_reason() -> None:
    assert consequence_of("seller") == "action.cancel.counts.seller"
    assert consequence_of("buyer") == consequence_of("Customer") == "action.cancel.counts.buyer"
    assert consequence_of("") == "action.cancel.counts.other"  # unknown: no claim either way


def test_why_ozon_did_not_do_it_is_in_ozons_words_or_the_chats_language() -> None:
    ru = texts_for("ru")
    assert ozon_reason(ru, BadRequest("posting is already cancelled")) == (
        "posting is already cancelled"
    )
    assert ozon_reason(ru, NotDone("made no change")) == ru("ozon.not_done")
    unreadable = UnreadableAnswer("Ozon's answer to /v1/x could not be read")
    assert ozon_reason(ru, unreadable) == ru("ozon.unreadable")  # not the bot's English
