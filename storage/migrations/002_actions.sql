-- Opaque, unguessable id carried by an alert's buttons instead of database ids.
ALTER TABLE messages ADD COLUMN token TEXT;
CREATE UNIQUE INDEX messages_by_token ON messages (token);

-- A reply is threaded under the alert it concerns (a buyer's answer, say).
ALTER TABLE outbox ADD COLUMN reply_to INTEGER REFERENCES messages (id) ON DELETE SET NULL;

-- Every action taken from an alert, and the audit log of what was sent to Ozon and its answer.
-- state: draft (being prepared), requested (sent to Ozon), done, failed, aborted.
CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    chat_id BIGINT NOT NULL,
    message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    posting_number TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '{}',
    actor_id BIGINT NOT NULL,
    actor_name TEXT NOT NULL,
    request TEXT,
    response TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX actions_by_posting ON actions (store_id, posting_number, state);
CREATE INDEX actions_by_store_time ON actions (store_id, updated_at);

-- Buyer chats the bot opened, followed during the scan to relay the buyer's answers.
CREATE TABLE buyer_chats (
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    posting_number TEXT NOT NULL,
    chat_id BIGINT NOT NULL,
    ozon_chat_id TEXT NOT NULL,
    message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    last_message_id BIGINT NOT NULL DEFAULT 0,
    follow_until TEXT NOT NULL,
    PRIMARY KEY (store_id, posting_number, chat_id)
);

-- Which postings a message shows, and the deadline it showed them with. Separate from the
-- alert records: a posting opened from a grouped alert gets its own message, and a moved
-- deadline counts as announced by the message that was edited to show it.
CREATE TABLE message_postings (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    posting_number TEXT NOT NULL,
    shipment_date TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (message_id, posting_number)
);
CREATE INDEX message_postings_by_posting ON message_postings (store_id, posting_number);
INSERT INTO message_postings (message_id, store_id, posting_number, shipment_date, position)
SELECT message_id, store_id, posting_number, MIN(shipment_date), MIN(id) FROM alerts
GROUP BY message_id, store_id, posting_number;
