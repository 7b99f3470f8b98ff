"""Who may do what: the one authorisation function every action goes through.

A user's role towards a store in a chat is 'owner' (connected the store), 'admin' (of the
group, anonymous admins included), 'member' or 'stranger'. Each action needs a least role;
a group may raise or lower that per action in its settings."""

from __future__ import annotations

from collections.abc import Mapping

RANK = {"stranger": 0, "member": 1, "admin": 2, "owner": 3}
DEFAULT_RULES: Mapping[str, str] = {
    "open": "member",
    "message": "member",
    "support": "member",
    "claim": "member",
    "snooze": "member",
    "cancel": "admin",
    "extend": "admin",
}


def needed_role(action: str, rules: Mapping[str, str] | None = None) -> str | None:
    """The least role that may run `action` under a chat's rules (None: nobody)."""
    if action not in DEFAULT_RULES:
        return None
    chosen = (rules or {}).get(action, DEFAULT_RULES[action])
    return chosen if chosen in RANK and chosen != "stranger" else DEFAULT_RULES[action]


def may_act(role: str, action: str, rules: Mapping[str, str] | None = None) -> bool:
    needed = needed_role(action, rules)
    return needed is not None and RANK.get(role, 0) >= RANK[needed]


def role_in_private(store_owner: int, user_id: int) -> str:
    """In a private chat only the store's owner has a say."""
    return "owner" if user_id == store_owner else "stranger"
