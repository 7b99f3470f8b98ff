"""The button protocol: what the buttons of an alert and of an action's steps carry, as aiogram
`CallbackData`. Every button names a random token (the alert's or the action's), never a
posting or a store: the token is looked up and checked on every press."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from pydantic import ValidationError


class AlertVerb(StrEnum):
    """A button on an alert itself."""

    CANCEL = "cancel"
    CANCEL_ITEMS = "part"  # cancel some units of one product
    BUYER = "buyer"  # message the buyer
    EXTEND = "extend"  # the shipping date Ozon asks for (set_cutoff)
    TIMESLOT = "slot"  # another delivery day for the buyer
    TRACK = "track"  # type the tracking number (rFBS, the seller delivers)
    DELIVERING = "dlv"  # move the posting to "delivering" (rFBS, the seller delivers)
    BOXES = "boxes"  # type the box count (multi-box, before packing)
    REPACK = "pack"  # pack again after Ozon's packing failed
    LAST_MILE = "lm"  # the courier is on the way to the buyer (rFBS, the seller delivers)
    DELIVERED = "dld"  # delivered to the buyer (rFBS, the seller delivers)
    ASK = "ask"  # ask Ozon support for time
    OPEN = "open"  # a posting of a grouped message gets its own alert
    BACK = "back"  # the alert as it was, leaving a step
    CLAIM = "claim"
    RELEASE = "release"
    SNOOZE = "snooze"


class StepVerb(StrEnum):
    """A button on a step of an action under way; the argument is the choice."""

    REASON = "r"  # a cancellation reason
    PRODUCT = "p"  # a product of the posting, by its place in the list
    QUANTITY = "q"  # how many units
    TEMPLATE = "t"  # a buyer message template
    CAUSE = "c"  # why the seller is late
    DAYS = "d"  # days later
    SLOT = "s"  # a delivery timeslot
    OK = "ok"  # confirm: the action goes to Ozon
    BACK = "back"  # leave the action


SNOOZE_MINUTES = ("30", "120")  # the snoozes a team may pick, as the button's argument


class AlertButton(CallbackData, prefix="al"):
    token: str
    verb: AlertVerb
    arg: str = ""


class StepButton(CallbackData, prefix="ac"):
    token: str
    verb: StepVerb
    arg: str = ""


def read_button(data: str) -> AlertButton | StepButton | None:
    """The button a press carries; None for anything the bot did not draw (forged, or a
    shape no version of the bot drew)."""
    prefix = data.partition(":")[0]
    if data.count(":") == 2:
        data += ":"  # drawn before the argument was always written (al:token:verb)
    button: AlertButton | StepButton
    try:
        if prefix == "al":
            button = AlertButton.unpack(data)
        elif prefix == "ac":
            button = StepButton.unpack(data)
        else:
            return None
    except (TypeError, ValueError, ValidationError):
        return None
    return button if _plain_argument(button.arg) else None


def _plain_argument(arg: str) -> bool:
    return len(arg) <= 12 and all(c.isdigit() or "a" <= c <= "z" for c in arg)
