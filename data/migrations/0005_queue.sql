-- 0005: posting times and repeating posts.
--
-- accounts.zone is the IANA zone an account's posting times are in; ''
-- means the user's zone (the "zone" setting, else the system's), so an
-- account follows the user until it is given a zone of its own.
--
-- queue_slots are an account's posting times: a weekday (0 = Sunday, as
-- Go's time.Weekday) and a wall-clock minute of the day in the account's
-- zone. "Add to queue" plans a post at the next one that is free.
--
-- series are repeating posts. Every occurrence is an ordinary post (the
-- publisher needs nothing new); posts.series_id ties them together so the
-- calendar can mark them and "delete all future ones" can find them.

ALTER TABLE accounts ADD COLUMN zone TEXT NOT NULL DEFAULT '';

CREATE TABLE queue_slots (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    weekday     INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    minute      INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1439),
    UNIQUE (account_id, weekday, minute)
);

CREATE TABLE series (
    id          INTEGER PRIMARY KEY,
    every_n     INTEGER NOT NULL CHECK (every_n > 0),
    unit        TEXT    NOT NULL CHECK (unit IN ('day', 'week')),
    until       INTEGER,                      -- last day, as unix ms of its midnight UTC; NULL = by count
    count       INTEGER NOT NULL DEFAULT 0,   -- 0 = until a date
    created_at  INTEGER NOT NULL
);

ALTER TABLE posts ADD COLUMN series_id INTEGER REFERENCES series (id) ON DELETE SET NULL;

CREATE INDEX posts_series ON posts (series_id, planned_at) WHERE series_id IS NOT NULL;

-- The calendar reads series_id too: the covering index gains it.
DROP INDEX posts_calendar;
CREATE INDEX posts_calendar ON posts (planned_at, id, zone, state, snippet, networks, series_id)
    WHERE planned_at IS NOT NULL;
