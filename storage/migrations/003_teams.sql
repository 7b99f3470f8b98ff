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
