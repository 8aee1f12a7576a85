-- 0006: the media library. Each stored file keeps the name it was first
-- added under, so the library can show and search it (files added before
-- this have '' and are shown by their stored name).

ALTER TABLE media ADD COLUMN name TEXT NOT NULL DEFAULT '';

CREATE INDEX media_created ON media (created_at);
