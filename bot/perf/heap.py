"""Keeps CPython's full garbage collections short and rare.

A full collection walks every container object the process holds and stops everything else
meanwhile: an answer to a press or a scan waits for it. Measured here (bench/RESULTS.md):
- after start-up the process holds about 120,000 such objects that live as long as it does
  (aiogram's types, pydantic's validators, the message catalog); walking them took 55-90 ms
  per full collection. Frozen (gc.freeze), they are left out of every later one, and are still
  freed the normal way when their last reference goes.
- a scan of 1,000 stores allocates fast enough to start a full collection about once a second
  with the default thresholds, even with those objects frozen (87 in one fresh and one restart
  scan, up to 210 ms each). Young collections, which free most garbage, keep their default
  pace; a full one is considered after 100 of the middle generation's collections instead of
  10 (9 in the same scans; peak memory 184 → 190 MB).
"""

from __future__ import annotations

import gc

FULL_COLLECTION_AFTER = 100  # middle-generation collections (CPython's default: 10)


def tune_garbage_collection() -> None:
    """Call once the long-lived objects exist, before the work people wait on: collects what
    is already garbage, freezes everything left, and makes full collections rarer."""
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_AFTER)
