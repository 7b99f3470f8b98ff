"""Who may do what: the authorisation matrix, and the one function every check goes through.

A user's role is relative to a store (its alerts, linking it) or to a chat (its settings):
- 'owner_admin': owns the store and administers the group (in a private chat, the user whose
  chat it is: they administer their own chat);
- 'owner': owns the store (connected it) but is a plain member of the group;
- 'admin': administers the group (anonymous admins included), owns no store in question;
- 'member': any other member of the group;
- 'stranger': anyone else — also someone who has learnt a posting number or copied a button.
Owning a store gives a say over that store only: its alerts' buttons and who may press them.
A chat's own settings belong to the chat's admins, whatever stores they own. Each operation
needs one of the requirements below. README.md shows this matrix as a table, and
tests/test_authorization.py checks the table, this dict and the running bot against each other,
cell by cell."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

ROLES = ("owner_admin", "owner", "admin", "member", "stranger")

# A requirement names the roles that meet it.
REQUIREMENTS: Mapping[str, frozenset[str]] = {
    "member": frozenset({"owner_admin", "owner", "admin", "member"}),
    "admin": frozenset({"owner_admin", "owner", "admin"}),  # group admins and the store's owner
    "owner": frozenset({"owner_admin", "owner"}),
    "group_admin": frozenset({"owner_admin", "admin"}),  # the chat's admins only
    "owner_admin": frozenset({"owner_admin"}),  # the store's owner who administers the group
}
# What a chat may choose for an alert button, per store (/settings).
BUTTON_REQUIREMENTS = ("member", "admin", "owner")

# Alert buttons: each (chat, store) may move each between 'member', 'admin' and 'owner'.
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
    # A store's alerts in a group: the store is the owner's, the group is its admins'.
    "link": "owner_admin",
    "unlink": "admin",
    # Alert buttons (defaults; see DEFAULT_RULES).
    **DEFAULT_RULES,
    # A chat's digest, advice and settings.
    "digest": "member",
    "advice": "member",
    "settings.view": "member",
    "settings.timezone": "group_admin",
    "settings.language": "group_admin",
    "settings.leads": "group_admin",
    "settings.quiet": "group_admin",
    "settings.threshold": "group_admin",
    "settings.escalation": "group_admin",
    "settings.contacts": "group_admin",
    "settings.repeat": "group_admin",
    "settings.digest": "group_admin",
    # Who may press a store's buttons decides who may cancel its orders: the owner's to decide,
    # for their own store only.
    "settings.permissions": "owner",
}


def needed_role(operation: str, rules: Mapping[str, str] | None = None) -> str | None:
    """The requirement for `operation` under a (chat, store)'s rules (None: no such operation)."""
    if operation not in MATRIX:
        return None
    if operation in DEFAULT_RULES:
        chosen = (rules or {}).get(operation, DEFAULT_RULES[operation])
        if chosen in BUTTON_REQUIREMENTS:
            return chosen
    return MATRIX[operation]


def allowed(role: str, operation: str, rules: Mapping[str, str] | None = None) -> bool:
    needed = needed_role(operation, rules)
    return needed is not None and role in REQUIREMENTS[needed]


def role_of(owns_store: bool, group_role: str) -> str:
    """A user's role towards a store in a group, from ownership and the group role
    ('admin', 'member' or 'stranger')."""
    if owns_store:
        return "owner_admin" if group_role == "admin" else "owner"
    return group_role


class NotAllowed(Exception):
    """The user's role does not meet what the operation needs (`needed`)."""

    def __init__(self, operation: str, needed: str):
        super().__init__(f"{operation} needs {needed}")
        self.operation = operation
        self.needed = needed


def authorise(role: str, operation: str, rules: Mapping[str, str] | None = None) -> None:
    if not allowed(role, operation, rules):
        raise NotAllowed(operation, needed_role(operation, rules) or "owner")


def role_in_private(store_owner: int, user_id: int) -> str:
    """In a private chat only the store's owner has a say, and they administer their chat."""
    return "owner_admin" if user_id == store_owner else "stranger"


RoleOf = Callable[[int, int, int], Awaitable[str]]  # (store owner, chat, user) -> role
ChatRoleOf = Callable[[int, int, int | None], Awaitable[str]]  # (chat, user, sender chat) -> role


async def private_role(store_owner: int, chat_id: int, user_id: int) -> str:
    """A role resolver for private chats only (tests, `check`): no group lookups."""
    return role_in_private(store_owner, user_id)


async def private_chat_role(chat_id: int, user_id: int, sender_chat_id: int | None) -> str:
    """A chat role resolver for private chats only: the user administers their own chat."""
    return "owner_admin" if chat_id == user_id else "stranger"
