-- What a store's scans leave for the next one, whichever replica makes it: a replica that
-- takes a store over (or a process that restarts) starts where the last scan ended instead of
-- reading and comparing every posting again, and repeats no periodic check that is not due.
-- Each page of the unfulfilled list as the store's last complete scan saw it, by the cursor it
-- was asked with (bot/watch/page_cache.py): the digest of its bytes and what the stages of its
-- watched postings depend on. A scan that writes a changed page first drops the store's pages.
CREATE TABLE store_pages (
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    asked_with TEXT NOT NULL,
    digest BLOB NOT NULL,
    next_cursor TEXT NOT NULL,
    has_next INTEGER NOT NULL,
    watched TEXT NOT NULL,
    marked_at TEXT NOT NULL,
    PRIMARY KEY (store_id, asked_with)
);
-- When each periodic check of a store ('stock', 'delivery') last ran.
CREATE TABLE store_checks (
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    PRIMARY KEY (store_id, kind)
);
