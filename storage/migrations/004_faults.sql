-- A store whose Seller API keeps failing: since when, whether its chats were told, and when
-- to try it again (its own circuit; other stores are scanned as usual).
ALTER TABLE stores ADD COLUMN failing_since TEXT;
ALTER TABLE stores ADD COLUMN outage_notified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stores ADD COLUMN next_try_at TEXT;
-- The last key-expiry warning sent to the owner, in days before expiry (7, then 1).
ALTER TABLE stores ADD COLUMN key_warned_days INTEGER;
