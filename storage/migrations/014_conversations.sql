-- Conversations under way (aiogram's FSM: the /connect wizard, a typed explanation, an own text
-- to the buyer), kept in the database so any replica, and a restarted one, continues them.
CREATE TABLE conversations (
    key TEXT PRIMARY KEY,
    state TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);
CREATE INDEX conversations_by_age ON conversations (updated_at);
