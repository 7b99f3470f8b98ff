"""The Telegram side: the paced sender that drains the outbox, the press gate, group roles
from getChatMember, webhook serving."""
