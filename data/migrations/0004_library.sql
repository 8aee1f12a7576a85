-- 0004: what the user reuses while writing, and how posts are sorted.
--
-- snippets are named texts inserted at the cursor: kind 'snippet' for any
-- text (a signature, a call to action), 'hashtags' for a hashtag group.
-- A name is unique within its kind.
--
-- labels are free-text tags with a colour (#rrggbb), attached to posts
-- through post_labels. A name is unique whatever its case.
--
-- Ideas are undated posts (planned_at NULL); posts_ideas lists them newest
-- first without reading the dated ones.

CREATE TABLE snippets (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('snippet', 'hashtags')),
    name        TEXT    NOT NULL CHECK (name <> ''),
    body        TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    UNIQUE (kind, name)
);

CREATE TABLE labels (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL COLLATE NOCASE UNIQUE CHECK (name <> ''),
    colour      TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);

CREATE TABLE post_labels (
    post_id   INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    label_id  INTEGER NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (post_id, label_id)
) WITHOUT ROWID;

CREATE INDEX post_labels_label ON post_labels (label_id, post_id);

CREATE INDEX posts_ideas ON posts (updated_at, id) WHERE planned_at IS NULL;
