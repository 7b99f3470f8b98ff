-- Replicas sharing one database (PostgreSQL): each one's last sign of life, and which replica
-- scans which store. A replica silent for longer than its lease is dead, and its stores are
-- taken by the others (bot/core/shares.py).
CREATE TABLE replicas (
    replica TEXT PRIMARY KEY,
    seen_at TEXT NOT NULL
);
CREATE TABLE store_owners (
    store_id INTEGER PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
    replica TEXT NOT NULL,
    since TEXT NOT NULL
);
CREATE INDEX store_owners_by_replica ON store_owners (replica);
-- Work only one replica may do at a time (polling Telegram, sending the outbox at the fleet's
-- pace, the periodic jobs): held by one live replica, taken over when it falls silent.
CREATE TABLE role_owners (
    role TEXT PRIMARY KEY,
    replica TEXT NOT NULL,
    since TEXT NOT NULL
);
