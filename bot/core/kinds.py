"""The kinds and states the bot stores, by name: what each value means is written once here."""

from __future__ import annotations

from enum import StrEnum


class MessageKind(StrEnum):
    """What a message the bot keeps drawing is about."""

    ALERT = "alert"  # one posting at a stage
    GROUP = "group"  # several postings of a store reaching a stage together
    SUMMARY = "summary"  # overdue postings nobody took, listed again
    STOCK = "stock"  # products a warehouse is short of, with the postings that need them
    PROMISE = "promise"  # an rFBS posting on its way, nearing the delivery promised the buyer


class ActionState(StrEnum):
    """Where an action taken from an alert stands (storage/actions.py)."""

    DRAFT = "draft"  # being put together step by step; nothing sent
    REQUESTED = "requested"  # with Ozon: claimed by exactly one press
    DONE = "done"  # Ozon confirmed it (or nothing needed Ozon)
    FAILED = "failed"  # Ozon refused it, or showed it was not done
    ABORTED = "aborted"  # the person went back before sending it
    UNKNOWN = "unknown"  # cut short after reaching Ozon, which could not confirm either way
