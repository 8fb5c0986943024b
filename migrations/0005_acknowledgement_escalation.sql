-- Escalation that reaches people (docs/notify.md "Escalation"): an incident
-- with nothing to sign is acknowledged by a person (/ack, the Acknowledge
-- button, the ops API); until then, and while it stays unresolved past its
-- resolution SLA, it climbs the ladder one level at a time. Every step —
-- of the incident or of its approval — is kept on the incident.
ALTER TABLE incidents ADD COLUMN acknowledged_at timestamptz;
ALTER TABLE incidents ADD COLUMN acknowledged_by text;
ALTER TABLE incidents ADD COLUMN escalation_level integer NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 4);
ALTER TABLE incidents ADD COLUMN escalations jsonb NOT NULL DEFAULT '[]'::jsonb;

CREATE INDEX incidents_open_escalation_idx ON incidents (opened_at) WHERE status <> 'resolved';
