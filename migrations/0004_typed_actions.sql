-- Typed actions (docs/trust.md "Typed actions"): what was approved is exactly
-- what runs. The approval's action jsonb now carries the typed action, its
-- argv, digest, plan and guardrail verdicts; the digest is also a column so
-- signatures and executions can be bound to it.
ALTER TABLE approvals ADD COLUMN action_digest text CHECK (action_digest ~ '^[0-9a-f]{64}$');

-- The digest each approver saw when they signed.
ALTER TABLE approval_signatures ADD COLUMN action_digest text;

-- The hand-off carries the typed action, its argv and digest; dry_run is
-- decided when the row is written (a result that arrives fast must not be
-- read as a dry run), and the executor's last plan is kept with the result.
ALTER TABLE executions ADD COLUMN action jsonb;
ALTER TABLE executions ADD COLUMN argv jsonb;
ALTER TABLE executions ADD COLUMN action_digest text CHECK (action_digest ~ '^[0-9a-f]{64}$');
ALTER TABLE executions ADD COLUMN plan jsonb;
ALTER TABLE executions ALTER COLUMN dry_run DROP DEFAULT;
