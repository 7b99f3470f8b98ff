-- Stock shortfalls already told: once per store, product and warehouse while the stock stays
-- short; and each stock message's figures, to draw it again when its postings change.
CREATE TABLE stock_alerts (
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    sku BIGINT NOT NULL,
    warehouse_id BIGINT NOT NULL,
    alerted_at TEXT NOT NULL,
    PRIMARY KEY (store_id, sku, warehouse_id)
);
CREATE TABLE stock_messages (
    message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    sku BIGINT NOT NULL,
    offer_id TEXT NOT NULL,
    warehouse TEXT NOT NULL,
    needed INTEGER NOT NULL,
    present INTEGER NOT NULL
);
