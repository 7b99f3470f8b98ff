-- Indexes for what runs on every scan or every hourly prune, found with EXPLAIN QUERY PLAN
-- (tests/test_query_plans.py): none of these may read a whole table as it grows.
CREATE INDEX outbox_by_message ON outbox (message_id, action);
CREATE INDEX messages_by_age ON messages (created_at);
CREATE INDEX postings_by_last_seen ON postings (last_seen_at);
CREATE INDEX actions_by_age ON actions (updated_at);
CREATE INDEX buyer_chats_by_end ON buyer_chats (follow_until);
CREATE INDEX escalations_by_age ON escalations (escalated_at);
CREATE INDEX posting_claims_by_age ON posting_claims (updated_at);
CREATE INDEX setting_changes_by_age ON setting_changes (changed_at);
CREATE INDEX posting_claims_by_posting ON posting_claims (store_id, posting_number);
