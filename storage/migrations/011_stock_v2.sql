-- Ozon's v2 stock method tells the units reserved for ordered postings and the units free for
-- new ones beside the count on the shelf; a stock message shows all three.
ALTER TABLE stock_messages ADD COLUMN reserved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stock_messages ADD COLUMN free_stock INTEGER NOT NULL DEFAULT 0;
-- Methods Ozon has switched off, told once per store to its owner, and once in all to the
-- operators (the first row of a path).
CREATE TABLE gone_methods (
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    told_at TEXT NOT NULL,
    PRIMARY KEY (store_id, path)
);
