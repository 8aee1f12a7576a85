-- 0001: the first schema. Instants are INTEGER unix milliseconds (UTC);
-- NULL means "no time" (the zero time.Time). No table holds a token.

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    network       TEXT    NOT NULL CHECK (network <> ''),
    server        TEXT    NOT NULL DEFAULT '',
    remote_id     TEXT    NOT NULL CHECK (remote_id <> ''),
    handle        TEXT    NOT NULL DEFAULT '',
    display_name  TEXT    NOT NULL DEFAULT '',
    avatar_path   TEXT    NOT NULL DEFAULT '',
    kind          TEXT    NOT NULL DEFAULT '',
    url           TEXT    NOT NULL DEFAULT '',
    state         TEXT    NOT NULL DEFAULT 'connected'
                  CHECK (state IN ('connected', 'needs_reconnect', 'disconnected')),
    token_expiry  INTEGER,
    created_at    INTEGER NOT NULL,
    UNIQUE (network, server, remote_id)
);

-- state, snippet and networks are derived from the targets and text on every
-- write so that the calendar reads one table.
CREATE TABLE posts (
    id          INTEGER PRIMARY KEY,
    text        TEXT    NOT NULL DEFAULT '',
    title       TEXT    NOT NULL DEFAULT '',
    planned_at  INTEGER,
    zone        TEXT    NOT NULL DEFAULT '',
    state       TEXT    NOT NULL DEFAULT 'draft'
                CHECK (state IN ('draft', 'scheduled', 'publishing', 'published', 'failed', 'uncertain', 'missed')),
    snippet     TEXT    NOT NULL DEFAULT '',
    networks    TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- Covers CalendarEntries entirely: the month query never touches the table.
CREATE INDEX posts_calendar ON posts (planned_at, id, zone, state, snippet, networks)
    WHERE planned_at IS NOT NULL;

CREATE TABLE targets (
    id               INTEGER PRIMARY KEY,
    post_id          INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    text_override    TEXT    NOT NULL DEFAULT '',
    state            TEXT    NOT NULL
                     CHECK (state IN ('draft', 'scheduled', 'publishing', 'published', 'failed', 'uncertain', 'missed')),
    remote_id        TEXT    NOT NULL DEFAULT '',
    remote_url       TEXT    NOT NULL DEFAULT '',
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT    NOT NULL DEFAULT '',
    idempotency_key  TEXT    NOT NULL UNIQUE,
    next_attempt_at  INTEGER,
    published_at     INTEGER,
    claimed_at       INTEGER, -- when it last went to publishing; for crash reconciliation
    UNIQUE (post_id, account_id)
);

CREATE INDEX targets_state ON targets (state, next_attempt_at);
CREATE INDEX targets_account ON targets (account_id);

CREATE TABLE media (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT    NOT NULL UNIQUE,
    file        TEXT    NOT NULL,
    mime        TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    width       INTEGER NOT NULL DEFAULT 0,
    height      INTEGER NOT NULL DEFAULT 0,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);

CREATE TABLE post_media (
    post_id   INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    media_id  INTEGER NOT NULL REFERENCES media (id) ON DELETE RESTRICT,
    position  INTEGER NOT NULL,
    alt       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (post_id, position)
);

CREATE INDEX post_media_media ON post_media (media_id);

-- Append-only log of every publish try.
CREATE TABLE attempts (
    id           INTEGER PRIMARY KEY,
    target_id    INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    started_at   INTEGER NOT NULL,
    ended_at     INTEGER,
    outcome      TEXT    NOT NULL,
    http_status  INTEGER NOT NULL DEFAULT 0,
    message      TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX attempts_target ON attempts (target_id, id);

-- Snapshots over time. target_id NULL = an account-level metric (followers);
-- account_id is always set so one account's data can be listed and deleted.
CREATE TABLE metrics (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_id    INTEGER REFERENCES targets (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    value        REAL    NOT NULL,
    captured_at  INTEGER NOT NULL
);

CREATE INDEX metrics_account ON metrics (account_id, name, captured_at);
CREATE INDEX metrics_target ON metrics (target_id, name, captured_at) WHERE target_id IS NOT NULL;

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
