-- What analysis did for each incident: which providers were tried and why
-- each was passed over, the job a slow provider is still working on, how long
-- it took, and whether classify was told (so it is told once).
ALTER TABLE incidents ADD COLUMN analysis_attempts    jsonb       NOT NULL DEFAULT '[]';
ALTER TABLE incidents ADD COLUMN analysis_started_at  timestamptz;
ALTER TABLE incidents ADD COLUMN analysis_duration_ms integer;
ALTER TABLE incidents ADD COLUMN pending_job_id       uuid;
ALTER TABLE incidents ADD COLUMN pending_provider     text;
ALTER TABLE incidents ADD COLUMN pending_position     integer;
ALTER TABLE incidents ADD COLUMN pending_until        timestamptz;
ALTER TABLE incidents ADD COLUMN classify_sent_at     timestamptz;
