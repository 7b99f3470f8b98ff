"""Which stores a replica scans, when several share one database (pure rules).

Each store has at most one owner. A replica keeps the stores it owns, up to its fair share
(the stores divided among the replicas alive), so its page cache keeps paying; it lets go of
what is beyond its share, for a replica that joined; and it takes stores nobody alive owns (new,
or left by a replica that died), up to its share."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SharePlan:
    keep: frozenset[int]
    take: Mapping[int, str | None]  # store -> the owner it is taken from (None: nobody)
    release: frozenset[int]


def plan_shares(
    stores: Sequence[int], owners: Mapping[int, str], alive: Collection[str], me: str
) -> SharePlan:
    replicas = set(alive) | {me}
    share = math.ceil(len(stores) / len(replicas))
    mine = sorted(store for store in stores if owners.get(store) == me)
    keep, release = mine[:share], mine[share:]
    orphans = sorted(store for store in stores if owners.get(store) not in replicas)
    room = max(share - len(keep), 0)
    return SharePlan(
        keep=frozenset(keep),
        take={store: owners.get(store) for store in orphans[:room]},
        release=frozenset(release),
    )
