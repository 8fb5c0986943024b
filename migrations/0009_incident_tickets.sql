-- The tracker ticket an incident opened (notify, TICKET_SYSTEM): one per
-- incident, so its reference lives on the incident. `ticket_hits` is the hit
-- count the ticket last heard of and `ticket_commented_at` when: repeats are
-- reported at most once an hour (approve's sweep, docs/notify.md "Tickets").
ALTER TABLE incidents ADD COLUMN ticket jsonb;
ALTER TABLE incidents ADD COLUMN ticket_hits integer NOT NULL DEFAULT 1;
ALTER TABLE incidents ADD COLUMN ticket_commented_at timestamptz;
CREATE INDEX incidents_open_tickets ON incidents (ticket_commented_at) WHERE ticket IS NOT NULL AND status <> 'resolved';
