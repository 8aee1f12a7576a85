-- 0007: analytics.
--
-- metrics (0001) keeps every reading ever taken: history is never
-- overwritten. metrics_latest holds each published target's newest
-- reading, one row per post with a column per metric (NULL = the network
-- does not give it) plus the derived engagement and seen, so the
-- dashboard reads one row per post instead of searching the history.
-- RecordMetrics keeps both in the same transaction.
CREATE TABLE metrics_latest (
    target_id        INTEGER PRIMARY KEY REFERENCES targets (id) ON DELETE CASCADE,
    captured_at      INTEGER NOT NULL,
    engagement       REAL,
    seen             REAL,
    likes            REAL,
    comments         REAL,
    shares           REAL,
    quotes           REAL,
    saves            REAL,
    reactions        REAL,
    impressions      REAL,
    reach            REAL,
    views            REAL,
    clicks           REAL,
    outbound_clicks  REAL
);

-- The dashboard picks published posts by when they went out; the index
-- covers the heatmap's reads.
CREATE INDEX targets_published ON targets (published_at, account_id)
    WHERE state = 'published';

-- Per account: when its numbers were last read, and why the last read
-- failed (shown as "stale since ... because ..."); not_before is a rate
-- limit's Retry-After, before which the sync leaves the account alone.
CREATE TABLE metrics_sync (
    account_id  INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    synced_at   INTEGER,
    tried_at    INTEGER,
    error       TEXT    NOT NULL DEFAULT '',
    not_before  INTEGER
);

-- Only account-level readings (followers) are looked up by account and
-- name: post readings are found by target. Indexing the post readings by
-- account too cost a quarter of the file.
DROP INDEX metrics_account;
CREATE INDEX metrics_account ON metrics (account_id, name, captured_at) WHERE target_id IS NULL;
