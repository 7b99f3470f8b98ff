"""Reading an Ozon answer so that what the bot does not need can never break what it does.

The models (bot/ozon/models.py) declare only the fields the bot uses, and ignore the rest. When
one of those has a value of an unexpected type (Ozon changed a field, or sent a new shape), the
answer is read again without it: a field with a default takes its default; a required field's
whole object goes (one unreadable reason leaves the others; an unreadable delivery interval
reads as none). Only an answer whose top level needs the field is unreadable, and then the
caller gets an OzonError that says so, never a traceback. The happy path costs nothing: the
repair runs only after pydantic refused the answer."""

from __future__ import annotations

import copy
import logging
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.ozon.errors import UnreadableAnswer

log = logging.getLogger(__name__)
Model = TypeVar("Model", bound=BaseModel)
MAX_REPAIRS = 50  # unreadable places dropped from one answer before it counts as unreadable


def read(model: type[Model], data: Any, what: str) -> Model:
    """`model` from `data`, leaving out what cannot be read; `what` names the answer in the
    log and the error."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        return _repaired(model, copy.deepcopy(data), error, what)


def _repaired(model: type[Model], data: Any, error: ValidationError, what: str) -> Model:
    dropped = []
    for _ in range(MAX_REPAIRS):
        first = error.errors()[0]
        place = tuple(first["loc"])
        if first["type"] == "missing":
            place = place[:-1]  # a required field went: its object goes with it
        if not place or not _drop(data, place):
            break
        dropped.append(".".join(str(part) for part in place))
        try:
            found = model.model_validate(data)
        except ValidationError as again:
            error = again
            continue
        log.warning("%s: left out what could not be read: %s", what, ", ".join(dropped))
        return found
    raise UnreadableAnswer(f"Ozon's answer to {what} could not be read")


def _drop(data: Any, place: tuple[Any, ...]) -> bool:
    """Removes the value at `place` (keys and list indexes), or the deepest value on the way
    there that is not a container (a model validator may have reshaped it); False when not even
    the first step exists."""
    parent, key = None, None
    container = data
    for part in place:
        if not _holds(container, part):
            break
        parent, key, container = container, part, container[part]
    if parent is None:
        return False
    del parent[key]
    return True


def _holds(container: Any, part: Any) -> bool:
    if isinstance(container, dict):
        return part in container
    return isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)
