-- Incidents, approvals, signatures, audit log, executions, repair outcomes and
-- dead letters: everything a human decided, or may need to read later.

CREATE TABLE incidents (
  id              uuid PRIMARY KEY,
  fingerprint     text        NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{16}$'),
  status          text        NOT NULL CHECK (status IN ('analyzing', 'analyzed', 'resolved')),
  alert_type      text        NOT NULL,
  source          text        NOT NULL,
  severity        text        NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  priority        text        NOT NULL CHECK (priority IN ('P0', 'P1', 'P2', 'P3')),
  namespace       text,
  target_resource text,
  alert           jsonb       NOT NULL,
  rca             jsonb,
  rca_provider    text,
  rca_model       text,
  correlation_id  text        NOT NULL,
  opened_at       timestamptz NOT NULL,
  analyzed_at     timestamptz,
  resolved_at     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incidents_fingerprint_idx ON incidents (fingerprint, opened_at DESC);
CREATE INDEX incidents_status_idx ON incidents (status, opened_at DESC);

CREATE TABLE approvals (
  id                  uuid PRIMARY KEY,
  incident_id         uuid        NOT NULL UNIQUE REFERENCES incidents (id),
  status              text        NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'OBSOLETE', 'EXECUTED', 'FAILED')),
  risk_level          text        NOT NULL CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
  required_signatures integer     NOT NULL CHECK (required_signatures BETWEEN 0 AND 10),
  auto_approved       boolean     NOT NULL DEFAULT false,
  reasons             jsonb       NOT NULL DEFAULT '[]',
  action              jsonb       NOT NULL,
  expires_at          timestamptz NOT NULL,
  decided_at          timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX approvals_status_idx ON approvals (status, created_at DESC);

-- One signature per approver and approval: the primary key is the guarantee.
CREATE TABLE approval_signatures (
  approval_id uuid        NOT NULL REFERENCES approvals (id),
  approver    text        NOT NULL,
  decision    text        NOT NULL CHECK (decision IN ('approve', 'reject')),
  comment     text,
  signed_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (approval_id, approver)
);

CREATE TABLE audit_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  actor        text        NOT NULL,
  action       text        NOT NULL,
  subject_type text        NOT NULL,
  subject_id   text        NOT NULL,
  details      jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id, id);

-- The audit log is append-only: updates, deletes and truncation are refused.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

CREATE TABLE executions (
  id             uuid PRIMARY KEY,
  approval_id    uuid        NOT NULL UNIQUE REFERENCES approvals (id),
  status         text        NOT NULL CHECK (status IN ('requested', 'running', 'succeeded', 'failed')),
  dry_run        boolean     NOT NULL,
  operation      text        NOT NULL,
  command        text        NOT NULL,
  requested_at   timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  duration_ms    integer,
  output_excerpt text
);

CREATE TABLE repair_outcomes (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fingerprint  text        NOT NULL,
  alert_type   text        NOT NULL,
  operation    text        NOT NULL,
  success      boolean     NOT NULL,
  duration_ms  integer,
  execution_id uuid REFERENCES executions (id),
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX repair_outcomes_fingerprint_idx ON repair_outcomes (fingerprint, operation);

CREATE TABLE dead_letters (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue       text        NOT NULL,
  message_id  text        NOT NULL,
  reason      text        NOT NULL,
  attempts    integer     NOT NULL,
  body        jsonb,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (queue, message_id)
);
