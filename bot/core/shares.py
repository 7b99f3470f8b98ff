"""Which stores a replica scans, when several share one database (pure rules).

Each store has at most one owner. A replica keeps the stores it owns, up to its fair share
(the stores divided among the replicas alive), so its page cache keeps paying; it lets go of
what is beyond its share, for a replica that joined; and it takes stores nobody alive owns (new,
or left by a replica that died), up to its share. Replicas taking orphans at the same moment
take different ones: the orphans are dealt out to the replicas alive with room in their share,
each to the one that weighs it highest (rendezvous hashing). Every replica deals them alike
from the same view, so replicas starting together split the stores in one round, instead of
contending for the same ones and leaving the rest unscanned for an interval; a replica whose
view differs is settled by the compare-and-set of the take (storage/replicas.py)."""

from __future__ import annotations

import hashlib
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
    owned: dict[str, list[int]] = {replica: [] for replica in replicas}
    orphans: list[int] = []
    for store in sorted(stores):
        owner = owners.get(store)
        if owner in owned:
            owned[owner].append(store)
        else:
            orphans.append(store)
    room = {replica: max(share - len(held), 0) for replica, held in owned.items()}
    take: dict[int, str | None] = {}
    for store in orphans:  # every replica seeing the same view deals them out alike
        for replica in sorted(replicas, key=lambda r: _weight(store, r), reverse=True):
            if room[replica]:
                room[replica] -= 1
                if replica == me:
                    take[store] = owners.get(store)
                break
    return SharePlan(
        keep=frozenset(owned[me][:share]), take=take, release=frozenset(owned[me][share:])
    )


def _weight(store: int, replica: str) -> bytes:
    return hashlib.blake2b(f"{replica}/{store}".encode(), digest_size=8).digest()
