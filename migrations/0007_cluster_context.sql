-- What the relay gathered about an incident's objects before the analysis
-- (pod, deployment, events, the alert's PromQL now and over the last hour),
-- kept for people to see next to the verdict (docs/analyze.md "Cluster context").
ALTER TABLE incidents ADD COLUMN cluster_context jsonb;
