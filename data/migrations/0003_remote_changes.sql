-- 0003: changes to posts a network holds for its own scheduler. An edit,
-- a move or a delete happens here at once (Localpost works offline); what
-- the network must be told waits in this table until the publisher has
-- told it. One row per post held (account and remote id); a later change
-- merges into it, and rev counts the merges so the publisher never drops
-- a change that arrived while it was carrying out the one before.
-- target_id becomes NULL when the post is deleted here.

CREATE TABLE remote_changes (
    id           INTEGER PRIMARY KEY,
    target_id    INTEGER REFERENCES targets (id) ON DELETE SET NULL,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    network      TEXT    NOT NULL,
    remote_id    TEXT    NOT NULL CHECK (remote_id <> ''),
    remote_url   TEXT    NOT NULL DEFAULT '',
    action       TEXT    NOT NULL CHECK (action IN ('cancel', 'move')),
    new_at       INTEGER,                    -- move: the new time
    held_at      INTEGER,                    -- when the network was to publish it before
    held_text    TEXT    NOT NULL DEFAULT '', -- the text it holds, to recognise it once published
    snippet      TEXT    NOT NULL DEFAULT '', -- what to call the post once it is deleted here
    state        TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
    rev          INTEGER NOT NULL DEFAULT 0,
    tries        INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT    NOT NULL DEFAULT '',
    next_try_at  INTEGER,
    created_at   INTEGER NOT NULL,
    UNIQUE (account_id, remote_id)
);

CREATE INDEX remote_changes_pending ON remote_changes (state, next_try_at);
CREATE INDEX remote_changes_target ON remote_changes (target_id) WHERE target_id IS NOT NULL;
