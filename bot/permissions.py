"""Who may do what: the one authorisation function every action goes through."""

from __future__ import annotations

from storage.stores import Store

ACTIONS = ("open", "cancel", "message", "extend", "timeslot", "support")


def may_act(store: Store, chat_id: int, user_id: int, action: str) -> bool:
    """Whether `user_id`, pressing a button in `chat_id`, may run `action` on a posting of
    `store`. Today only the store's owner may; group rules extend this one function."""
    return action in ACTIONS and user_id == store.owner_user_id
