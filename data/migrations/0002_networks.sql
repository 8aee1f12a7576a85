-- 0002: every network. What a network needs to publish as an account
-- (author URN, linked page id, boards) as JSON; per-target options as JSON;
-- the pending state of a multi-step upload so a restart resumes it.

ALTER TABLE accounts ADD COLUMN extra TEXT NOT NULL DEFAULT '';
ALTER TABLE targets ADD COLUMN options TEXT NOT NULL DEFAULT '';
ALTER TABLE targets ADD COLUMN pending BLOB;
