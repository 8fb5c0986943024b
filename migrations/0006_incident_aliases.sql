-- An incident id a webhook answer named is always readable. When analyze folds
-- a new incident into one already open for the same fingerprint (ingest ran
-- without Redis, or Redis forgot the fingerprint), the folded id is kept as an
-- alias of the incident that absorbed it: GET /api/v1/incidents/:id answers
-- that incident.
CREATE TABLE incident_aliases (
  alias_id    uuid        PRIMARY KEY,
  incident_id uuid        NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_aliases_incident_idx ON incident_aliases (incident_id);
