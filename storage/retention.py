"""Retention: what the bot no longer needs is deleted, so the tables stop growing."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database, db_time


async def prune(db: Database, alerts_before: datetime, audit_before: datetime) -> None:
    """Deletes messages older than `alerts_before` that show no watched posting (their alert
    records, memberships and owed edits go with them), postings that left long ago, old
    escalation and claim marks, and audit rows older than `audit_before`."""
    cutoff, audit = db_time(alerts_before), db_time(audit_before)
    async with db.transaction():
        await db.execute(
            "DELETE FROM messages WHERE created_at < ? AND NOT EXISTS ("
            " SELECT 1 FROM message_postings mp JOIN postings p ON p.store_id = mp.store_id"
            " AND p.posting_number = mp.posting_number"
            " WHERE mp.message_id = messages.id AND p.outcome IS NULL)",
            (cutoff,),
        )
        await db.execute(
            "DELETE FROM postings WHERE outcome IS NOT NULL AND last_seen_at < ?", (cutoff,)
        )
        await db.execute("DELETE FROM escalations WHERE escalated_at < ?", (cutoff,))
        await db.execute(
            "DELETE FROM posting_claims WHERE updated_at < ? AND NOT EXISTS ("
            " SELECT 1 FROM postings p WHERE p.store_id = posting_claims.store_id"
            " AND p.posting_number = posting_claims.posting_number AND p.outcome IS NULL)",
            (cutoff,),
        )
        await db.execute("DELETE FROM buyer_chats WHERE follow_until < ?", (cutoff,))
        await db.execute("DELETE FROM key_attempts WHERE last_at < ?", (cutoff,))
        await db.execute("DELETE FROM conversations WHERE updated_at < ?", (cutoff,))
        await db.execute("DELETE FROM push_inbox WHERE done_at < ?", (cutoff,))
        await db.execute("DELETE FROM actions WHERE updated_at < ?", (audit,))
        await db.execute("DELETE FROM setting_changes WHERE changed_at < ?", (audit,))
