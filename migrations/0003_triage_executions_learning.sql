-- The trust decision on every incident (notify-only incidents have no approval
-- row), SLA escalation state on approvals, executions as an outbox for the
-- executor hand-off, and playbooks learned from repair outcomes.
ALTER TABLE incidents ADD COLUMN triage jsonb;
CREATE INDEX incidents_opened_idx ON incidents (opened_at DESC, id DESC);

ALTER TABLE approvals ADD COLUMN escalation_level integer NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 4);
ALTER TABLE approvals ADD COLUMN escalated_at timestamptz;
CREATE INDEX approvals_pending_idx ON approvals (expires_at) WHERE status = 'PENDING';
CREATE INDEX approvals_created_idx ON approvals (created_at DESC, id DESC);

-- requested: written with the approval, not yet handed off; dispatched: the
-- executor accepted it; manual: no executor, a human runs the command and
-- reports; succeeded/failed: the result is in.
ALTER TABLE executions DROP CONSTRAINT executions_status_check;
ALTER TABLE executions ADD CONSTRAINT executions_status_check CHECK (status IN ('requested', 'dispatched', 'manual', 'succeeded', 'failed'));
ALTER TABLE executions ALTER COLUMN dry_run SET DEFAULT true;
ALTER TABLE executions ADD COLUMN incident_id   uuid    NOT NULL REFERENCES incidents (id);
ALTER TABLE executions ADD COLUMN automatic     boolean NOT NULL DEFAULT false;
ALTER TABLE executions ADD COLUMN dispatched_at timestamptz;
ALTER TABLE executions ADD COLUMN reported_by   text;
CREATE INDEX executions_requested_idx ON executions (requested_at) WHERE status = 'requested';

-- The best-known fix per alert fingerprint, rewritten when an action proves
-- itself (at least 5 outcomes, at least 80% success).
CREATE TABLE playbooks (
  fingerprint  text             PRIMARY KEY,
  alert_type   text             NOT NULL,
  operation    text             NOT NULL,
  command      text             NOT NULL,
  success_rate double precision NOT NULL CHECK (success_rate BETWEEN 0 AND 1),
  samples      integer          NOT NULL CHECK (samples >= 0),
  updated_at   timestamptz      NOT NULL DEFAULT now()
);
