-- Each store's warehouses as Ozon last described them: the ISO weekdays they work (1 Monday …
-- 7 Sunday, comma-separated; empty: unknown, every day counts) and their time zone.
CREATE TABLE warehouses (
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    warehouse_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    working_days TEXT NOT NULL,
    timezone TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (store_id, warehouse_id)
);
