"""Who may do what: the authorisation matrix, and the one function every check goes through.

A user's role is relative to a store (for store operations and alert buttons) or to a chat (for
its settings):
- 'owner': connected the store; for a chat's settings, owns a store linked to the chat (in a
  private chat, the user is the owner of their own chat);
- 'admin': an administrator of the group (anonymous admins included);
- 'member': any other member of the group;
- 'stranger': anyone else — also someone who has learnt a posting number or copied a button.
Roles are ranked; an operation needs its least role or a higher one. README.md shows this matrix
as a table, and tests/test_authorization.py checks the table, this dict and the running bot
against each other, cell by cell."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

RANK = {"stranger": 0, "member": 1, "admin": 2, "owner": 3}

# Alert buttons: a group may move each between 'member', 'admin' and 'owner' (/settings).
DEFAULT_RULES: Mapping[str, str] = {
    "open": "member",
    "message": "member",
    "support": "member",
    "claim": "member",
    "snooze": "member",
    "cancel": "admin",
    "extend": "admin",
}

MATRIX: Mapping[str, str] = {
    # A store, in the private chat only: whoever connects a store becomes its owner.
    "connect": "owner",
    "disconnect": "owner",
    "status": "owner",
    "history": "owner",
    # Sending a store's alerts to a group.
    "link": "owner",
    "unlink": "owner",
    # Alert buttons (defaults; see DEFAULT_RULES).
    **DEFAULT_RULES,
    # A chat's digest, advice and settings.
    "digest": "member",
    "advice": "member",
    "settings.view": "member",
    "settings.timezone": "admin",
    "settings.language": "admin",
    "settings.leads": "admin",
    "settings.quiet": "admin",
    "settings.threshold": "admin",
    "settings.escalation": "admin",
    "settings.contacts": "admin",
    "settings.repeat": "admin",
    "settings.digest": "admin",
    # Who may press which button decides who may cancel the owners' orders: theirs to decide.
    "settings.permissions": "owner",
}


def needed_role(operation: str, rules: Mapping[str, str] | None = None) -> str | None:
    """The least role for `operation` under a chat's rules (None: no such operation)."""
    if operation not in MATRIX:
        return None
    if operation in DEFAULT_RULES:
        chosen = (rules or {}).get(operation, DEFAULT_RULES[operation])
        if chosen in RANK and chosen != "stranger":
            return chosen
    return MATRIX[operation]


def allowed(role: str, operation: str, rules: Mapping[str, str] | None = None) -> bool:
    needed = needed_role(operation, rules)
    return needed is not None and RANK.get(role, 0) >= RANK[needed]


class NotAllowed(Exception):
    """The user's role is below what the operation needs (`needed`)."""

    def __init__(self, operation: str, needed: str):
        super().__init__(f"{operation} needs {needed}")
        self.operation = operation
        self.needed = needed


def authorise(role: str, operation: str, rules: Mapping[str, str] | None = None) -> None:
    if not allowed(role, operation, rules):
        raise NotAllowed(operation, needed_role(operation, rules) or "owner")


def role_in_private(store_owner: int, user_id: int) -> str:
    """In a private chat only the store's owner has a say."""
    return "owner" if user_id == store_owner else "stranger"


RoleOf = Callable[[int, int, int], Awaitable[str]]  # (store owner, chat, user) -> role


async def private_role(store_owner: int, chat_id: int, user_id: int) -> str:
    """A role resolver for private chats only (tests, `check`): no group lookups."""
    return role_in_private(store_owner, user_id)
