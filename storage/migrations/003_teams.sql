-- Who may do what in a chat: action -> the least role allowed ('member', 'admin', 'owner').
ALTER TABLE chats ADD COLUMN permissions TEXT;

-- Team state of a posting in one chat: who handles it, and until when it is snoozed.
CREATE TABLE posting_claims (
    chat_id BIGINT NOT NULL,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    posting_number TEXT NOT NULL,
    claimed_by BIGINT,
    claimed_name TEXT,
    snoozed_until TEXT,
    snoozed_name TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, store_id, posting_number)
);

-- Team settings of a chat; NULL means the default.
ALTER TABLE chats ADD COLUMN escalation_delay INTEGER;
ALTER TABLE chats ADD COLUMN repeat_interval INTEGER;
ALTER TABLE chats ADD COLUMN escalation_contacts TEXT;

-- Postings escalated in a chat (once per deadline), and when each chat last got the summary
-- of a store's overdue postings.
CREATE TABLE escalations (
    chat_id BIGINT NOT NULL,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    posting_number TEXT NOT NULL,
    shipment_date TEXT NOT NULL,
    escalated_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, store_id, posting_number, shipment_date)
);
CREATE TABLE overdue_summaries (
    chat_id BIGINT NOT NULL,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, store_id)
);

-- Quiet hours ('23:00-08:00' in the chat's time zone), how many postings make a grouped alert,
-- and whether alerts were held back during quiet hours (sent as one summary after them).
ALTER TABLE chats ADD COLUMN quiet_hours TEXT;
ALTER TABLE chats ADD COLUMN group_threshold INTEGER;
ALTER TABLE chats ADD COLUMN quiet_held INTEGER NOT NULL DEFAULT 0;

-- Who changed which setting of a chat, and when.
CREATE TABLE setting_changes (
    id INTEGER PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    user_name TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    changed_at TEXT NOT NULL
);

-- An urgent alert during quiet hours arrives without a sound.
ALTER TABLE outbox ADD COLUMN silent INTEGER NOT NULL DEFAULT 0;
