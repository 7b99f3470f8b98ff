-- The daily digest: when each chat wants it (NULL: 09:00, 'off': never) and the local date it
-- was last sent; when the bot learnt each posting's outcome (for "yesterday"); an outbox row may
-- carry a picture (the digest's chart).
ALTER TABLE chats ADD COLUMN digest_time TEXT;
ALTER TABLE chats ADD COLUMN digest_sent_on TEXT;
ALTER TABLE postings ADD COLUMN outcome_at TEXT;
ALTER TABLE outbox ADD COLUMN photo BLOB;
CREATE INDEX postings_by_outcome_time ON postings (store_id, outcome_at);
