-- Ozon's push notifications (bot/push/). Each store has an address of its own: the base URL
-- plus `push_token`. The token is kept in the clear, to be shown in /stores: it lets a caller
-- make the bot read that store again from Ozon and nothing more, since what a notification
-- says is never taken for true (no signature comes with it). It is never logged.
ALTER TABLE stores ADD COLUMN push_token TEXT;
ALTER TABLE stores ADD COLUMN push_seen_at TEXT;
CREATE UNIQUE INDEX stores_by_push_token ON stores (push_token);
-- Every notification, written before it is answered and acted on after: one sent again by
-- Ozon (the same body) is kept once. A replica claims what it acts on; a claim older than a
-- minute (its replica died) is taken again.
CREATE TABLE push_inbox (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    dedup_key TEXT NOT NULL,
    message_type TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    claimed_by TEXT,
    claimed_at TEXT,
    done_at TEXT,
    UNIQUE (store_id, dedup_key)
);
CREATE INDEX push_inbox_pending ON push_inbox (done_at, id);
