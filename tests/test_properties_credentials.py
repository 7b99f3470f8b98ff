"""Property tests of the Client-Id and API key checks: what passes is sendable as an HTTP
header, and real-looking credentials are never refused."""

from __future__ import annotations

import re
import string

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.connect import looks_like_api_key, looks_like_client_id
from tests.helpers.strategies import MODEST, hostile_text

key_like = st.text(alphabet=string.ascii_letters + string.digits + "-", min_size=8, max_size=80)


@pytest.mark.unit
@MODEST
@given(text=hostile_text | key_like | st.integers(0, 10**30).map(str))
def test_only_sendable_credentials_go_to_ozon(text: str) -> None:
    """What passes as a Client-Id or an API key is sent as an HTTP header: it must encode."""
    if looks_like_api_key(text):
        assert len(text) >= 8 and text.isascii() and text.isprintable() and " " not in text
        httpx.Request("POST", "http://ozon.test", headers={"Api-Key": text})
    if looks_like_client_id(text):
        assert re.fullmatch(r"[0-9]{1,20}", text)
        httpx.Request("POST", "http://ozon.test", headers={"Client-Id": text})
    elif re.fullmatch(r"[0-9]{1,20}", text):
        pytest.fail(f"a numeric Client-Id {text!r} was refused")


@pytest.mark.unit
@MODEST
@given(key=key_like, client_id=st.integers(1, 10**19).map(str))
def test_real_looking_credentials_are_accepted(key: str, client_id: str) -> None:
    assert looks_like_api_key(key)
    assert looks_like_client_id(client_id)
