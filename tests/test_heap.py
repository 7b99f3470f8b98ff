"""bot/perf/heap.py: what exists when the bot has started is left out of later full collections,
and full collections come rarer."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.perf.heap import FULL_COLLECTION_AFTER, tune_garbage_collection

pytestmark = pytest.mark.unit


@pytest.fixture
def restored() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()  # the rest of the test process collects as usual
    gc.set_threshold(*thresholds)


def test_objects_from_before_are_frozen_and_garbage_is_collected_first(restored: None) -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self  # a reference cycle: only the collector frees it

    kept = Node()
    Node()  # garbage already
    young, middle, _ = gc.get_threshold()
    tune_garbage_collection()
    assert gc.get_freeze_count() > 0
    tracked = {id(o) for o in gc.get_objects()}
    assert id(kept) not in tracked and id(kept.__dict__) not in tracked
    assert not any(type(o) is Node for o in gc.get_objects())  # the garbage was freed
    after = Node()
    assert id(after) in {id(o) for o in gc.get_objects()}  # new objects are collected as ever
    assert gc.get_threshold() == (young, middle, FULL_COLLECTION_AFTER)
