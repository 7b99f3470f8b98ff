-- Chats the bot talks to, with their display settings.
CREATE TABLE chats (
    id BIGINT PRIMARY KEY,
    type TEXT NOT NULL,
    timezone TEXT NOT NULL DEFAULT 'UTC',
    lead_times TEXT,
    language TEXT,
    created_at TEXT NOT NULL
);

-- Ozon seller accounts; the API key is stored only encrypted.
CREATE TABLE stores (
    id INTEGER PRIMARY KEY,
    owner_user_id BIGINT NOT NULL,
    client_id TEXT NOT NULL,
    name TEXT NOT NULL,
    api_key_encrypted TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'active',
    missing_methods TEXT NOT NULL DEFAULT '',
    key_expires_at TEXT,
    last_scan_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (owner_user_id, client_id)
);

-- Which chat (optionally a forum topic) receives which store's alerts.
CREATE TABLE subscriptions (
    chat_id BIGINT NOT NULL REFERENCES chats (id),
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    thread_id BIGINT,
    state TEXT NOT NULL DEFAULT 'active',
    created_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, store_id)
);
CREATE INDEX subscriptions_by_store ON subscriptions (store_id, state);

-- The last seen state of every watched posting; outcome is NULL while it is watched.
CREATE TABLE postings (
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    posting_number TEXT NOT NULL,
    status TEXT NOT NULL,
    shipment_date TEXT NOT NULL,
    outcome TEXT,
    data TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    PRIMARY KEY (store_id, posting_number)
);
CREATE INDEX postings_watched ON postings (store_id, outcome, shipment_date);

-- One row per Telegram message the bot sends about postings (telegram id known once sent).
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    thread_id BIGINT,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    stage INTEGER,
    telegram_message_id BIGINT,
    created_at TEXT NOT NULL
);
CREATE INDEX messages_by_chat ON messages (chat_id);

-- The uniqueness rule that makes every (chat, posting, deadline, stage) alerted at most once.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    posting_number TEXT NOT NULL,
    shipment_date TEXT NOT NULL,
    stage INTEGER NOT NULL,
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    UNIQUE (chat_id, store_id, posting_number, shipment_date, stage)
);
CREATE INDEX alerts_by_posting ON alerts (store_id, posting_number);
CREATE INDEX alerts_by_message ON alerts (message_id);

-- Everything owed to Telegram, written in the same transaction as the state it reports.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    thread_id BIGINT,
    message_id INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    text TEXT NOT NULL,
    reply_markup TEXT,
    urgent INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (not_before);
