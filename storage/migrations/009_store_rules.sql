-- Who may press which alert button is decided per chat and store, by the store's owner: a rule
-- set for one store no longer changes anything for another store's alerts in the same chat.
-- A chat's old rules carry over only where every store linked to it has the same owner, so
-- they can only have been set by that owner; elsewhere the defaults apply again.
ALTER TABLE subscriptions ADD COLUMN permissions TEXT;
UPDATE subscriptions SET permissions = (
    SELECT c.permissions FROM chats c WHERE c.id = subscriptions.chat_id
) WHERE (
    SELECT COUNT(DISTINCT st.owner_user_id) FROM subscriptions s2
    JOIN stores st ON st.id = s2.store_id WHERE s2.chat_id = subscriptions.chat_id
) = 1;
ALTER TABLE chats DROP COLUMN permissions;

-- Wrong API keys in a row per user, and until when their next key must wait: kept across
-- restarts.
CREATE TABLE key_attempts (
    user_id BIGINT PRIMARY KEY,
    wrong_keys INTEGER NOT NULL,
    last_at TEXT NOT NULL,
    wait_until TEXT
);
CREATE INDEX key_attempts_by_time ON key_attempts (last_at);

-- Actions a crash left with Ozon ('requested') are found at start and settled: 'done',
-- 'failed', or 'unknown' when Ozon could not confirm either way.
CREATE INDEX actions_requested ON actions (state) WHERE state = 'requested';
